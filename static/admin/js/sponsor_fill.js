'use strict';
// When a clerk picks a sponsor, copy the Member's current riding, caucus and province
// into the petition's sponsor fields, which stay editable: they record the Member as
// they were when sponsoring.
(function() {
    function memberUrl(id) {
        const path = window.location.pathname;
        const base = path.slice(0, path.indexOf('petitions/petition/'));
        return base + 'petitions/member/' + encodeURIComponent(id) + '/current/';
    }

    function fill(member) {
        document.getElementById('id_sponsor_riding').value = member.riding;
        document.getElementById('id_sponsor_province').value = member.province;
        const caucus = django.jQuery('#id_sponsor_caucus');
        caucus.empty();
        if (member.caucus) {
            caucus.append(new Option(member.caucus.text, member.caucus.id, true, true));
        }
        caucus.trigger('change');
    }

    window.addEventListener('load', function() {
        const sponsor = django.jQuery('#id_sponsor');
        sponsor.on('select2:select', function(event) {
            fetch(memberUrl(event.params.data.id), {credentials: 'same-origin'})
                .then((response) => response.ok ? response.json() : null)
                .then((member) => { if (member) { fill(member); } });
        });
    });
})();
