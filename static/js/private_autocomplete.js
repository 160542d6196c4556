'use strict';
// The admin's autocomplete fields (select2) search by POST: a NIK typed into one never appears in a URL.
// The admin site answers POST on its autocomplete view (disnaker.admin_site.DisnakerAdminSite).
(function() {
    if (!window.django || !django.jQuery) {
        return;  // a page without autocomplete fields
    }
    const $ = django.jQuery;

    function csrfToken() {
        const input = document.querySelector('input[name=csrfmiddlewaretoken]');
        if (input) {
            return input.value;
        }
        const cookie = document.cookie.split('; ').find((part) => part.startsWith('csrftoken='));
        return cookie ? decodeURIComponent(cookie.split('=')[1]) : '';
    }

    $.ajaxPrefilter(function(options, originalOptions, jqXHR) {
        const select = document.querySelector('.admin-autocomplete[data-ajax--url]');
        const url = select ? select.getAttribute('data-ajax--url') : null;
        if (!url || (options.type || 'GET').toUpperCase() !== 'GET' || options.url.indexOf(url) !== 0) {
            return;
        }
        options.type = 'POST';
        options.url = url;  // the term goes in the body, not in the query string
        jqXHR.setRequestHeader('X-CSRFToken', csrfToken());
    });
})();
