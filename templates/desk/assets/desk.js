// Progressive enhancement: the SLA clocks count down in the page; without JavaScript they show the server's time.
(function () {
  'use strict';
  var UNITS = { ar: [[86400000, 'يوم', 'أيام'], [3600000, 'ساعة', 'ساعات'], [60000, 'دقيقة', 'دقائق']],
    en: [[86400000, 'day', 'days'], [3600000, 'hour', 'hours'], [60000, 'minute', 'minutes']] };
  function text(ms, lang) {
    var rest = Math.abs(ms), parts = [];
    (UNITS[lang] || UNITS.en).forEach(function (u) {
      var n = Math.floor(rest / u[0]);
      rest -= n * u[0];
      if (n > 0 && parts.length < 2) parts.push(n + ' ' + (lang === 'ar' ? (n === 1 || n > 10 ? u[1] : u[2]) : (n === 1 ? u[1] : u[2])));
    });
    if (parts.length === 0) parts.push(lang === 'ar' ? 'أقل من دقيقة' : 'under a minute');
    return parts.join(lang === 'ar' ? ' و' : ' ');
  }
  function tick() {
    var els = document.querySelectorAll('[data-due]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i], ms = Date.parse(el.getAttribute('data-due')) - Date.now(), lang = el.getAttribute('data-lang');
      var d = text(ms, lang), left = el.getAttribute('data-left');
      el.textContent = ms < 0 ? el.getAttribute('data-late') + ' ' + d : lang === 'ar' ? left + ' ' + d : d + ' ' + left;
      el.classList.toggle('late', ms < 0);
    }
  }
  document.addEventListener('DOMContentLoaded', function () { tick(); setInterval(tick, 30000); });
})();
