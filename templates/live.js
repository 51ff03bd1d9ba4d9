// Live articles: checks the article's updates.json every minute while the tab
// is visible, and offers to show new updates in place. The page lists every
// update without this script.
(function () {
  "use strict";
  var part = document.querySelector("[data-updates]");
  if (!part || !window.fetch || !window.DOMParser) return;
  var list = part.querySelector(".update-list");
  var button = null;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  part.insertBefore(status, list);
  var fresh = [];
  var timer = null;

  function newIds(data) {
    return (data.updates || [])
      .map(function (u) { return u.id; })
      .filter(function (id) { return id && !document.getElementById(id); });
  }

  function offer(count) {
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "updates-new";
      button.addEventListener("click", show);
      part.insertBefore(button, list);
    }
    var words = count === 1 ? part.dataset.newOne : part.dataset.newMany;
    button.textContent = count + " " + words;
  }

  function check() {
    fetch(part.dataset.updates, { cache: "no-cache" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        fresh = newIds(data);
        if (fresh.length) offer(fresh.length);
        if (data.live === false) stop();
      })
      .catch(function () {});
  }

  function show() {
    fetch(location.pathname, { cache: "no-cache" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var first = null;
        // The new page has the updates newest first: insert them in its order.
        var anchor = list.firstElementChild;
        fresh.forEach(function (id) {
          var item = page.getElementById(id);
          if (!item || document.getElementById(id)) return;
          item = document.importNode(item, true);
          list.insertBefore(item, anchor);
          if (!first) first = item;
        });
        var count = fresh.length;
        fresh = [];
        if (button) { button.remove(); button = null; }
        if (first) first.focus();
        status.textContent = count + " " + part.dataset.shown;
      })
      .catch(function () {});
  }

  function start() {
    if (!timer) timer = setInterval(check, 60000);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { check(); start(); }
  });
  if (!document.hidden) start();
})();
