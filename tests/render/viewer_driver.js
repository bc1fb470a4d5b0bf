// Checks on the HTML viewer, run in headless Chromium by tests/render/test_viewer.py. Each
// returns what it saw (a promise of it where the page lays the picture out again).
window.viewerChecks = (function () {
  "use strict";
  var V = window.graphlensViewer, errors = [];
  window.addEventListener("error", function (event) { errors.push(String(event.message)); });
  window.addEventListener("unhandledrejection", function (event) {
    errors.push(String(event.reason));
  });
  function count(selector) { return document.querySelectorAll(selector).length; }
  function onScreen(key) {
    // [x, y, width, height] of a node on screen, relative to the viewport.
    var r = document.getElementById(key).getBoundingClientRect();
    var v = document.getElementById("viewport").getBoundingClientRect();
    return [r.left - v.left, r.top - v.top, r.width, r.height];
  }
  function viewportSize() {
    var v = document.getElementById("viewport").getBoundingClientRect();
    return [v.width, v.height];
  }
  function frames() {
    // Two animation frames: media-query changes and layout have been applied by then.
    return new Promise(function (done) {
      requestAnimationFrame(function () { requestAnimationFrame(done); });
    });
  }
  return {
    errors: function () { return errors; },
    frames: frames,
    search: function (query) {
      V.fit();
      var hits = V.search(query);
      var key = hits[0];
      return {hits: hits, viewport: viewportSize(), box: key && onScreen(key),
              selected: !!key && document.getElementById(key).classList.contains("selected"),
              current: count("#viewport g.node.current"),
              highlighted: count("#viewport g.node.match"),
              incoming: count("#viewport g.edge.incoming"),
              outgoing: count("#viewport g.edge.outgoing"),
              title: document.getElementById("panel-title").textContent,
              count: document.getElementById("search-count").textContent};
    },
    typeSearch: function (query) {
      // Type into the search box as a reader would, then press Enter twice and Shift+Enter.
      V.fit();
      var input = document.getElementById("search"), seen = [];
      input.value = query;
      input.dispatchEvent(new Event("input", {bubbles: true}));
      seen.push(document.getElementById("search-count").textContent);
      return new Promise(function (done) { setTimeout(done, 400); }).then(function () {
        seen.push(document.getElementById("search-count").textContent);
        ["Enter", "Enter", "Shift"].forEach(function (key) {
          input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter",
                                                            shiftKey: key === "Shift",
                                                            bubbles: true}));
          var selected = document.querySelector("#viewport g.node.selected");
          seen.push(document.getElementById("search-count").textContent + " " +
                    (selected && selected.id));
        });
        return seen;
      });
    },
    searchCount: function (query) {
      return {hits: V.search(query),
              text: document.getElementById("search-count").textContent};
    },
    minimap: function (fractionX, fractionY) {
      V.fit();
      V.zoom(0.2);
      var map = document.getElementById("minimap").getBoundingClientRect();
      var before = V.visible();
      var options = {clientX: map.left + map.width * fractionX,
                     clientY: map.top + map.height * fractionY, bubbles: true, pointerId: 7};
      var minimap = document.getElementById("minimap");
      minimap.dispatchEvent(new PointerEvent("pointerdown", options));
      minimap.dispatchEvent(new PointerEvent("pointerup", options));
      var frame = document.getElementById("minimap-view").getBoundingClientRect();
      return {before: before, after: V.visible(), map: [map.left, map.top, map.width,
                                                         map.height],
              frame: [frame.left, frame.top, frame.width, frame.height]};
    },
    drawn: function (keys) {
      var shown = {};
      keys.forEach(function (key) { shown[key] = !!document.getElementById(key); });
      return {nodes: count("#viewport svg g.node"), folds: count("#viewport svg g.node.folded"),
              edges: count("#viewport svg g.edge"), shown: shown, folded: V.folded(),
              minimap: document.getElementById("minimap-image").src.length};
    },
    screenPosition: function (key) {
      var element = document.getElementById(key) || document.getElementById(key + "_fold");
      var r = element.getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    },
    theme: function () {
      var background = document.querySelector("#viewport svg g.graph > polygon");
      var text = document.querySelector("#viewport svg g.node text");
      return {dark: V.isDark(), htmlClass: document.documentElement.className,
              background: getComputedStyle(background).fill,
              text: getComputedStyle(text).fill,
              page: getComputedStyle(document.body).backgroundColor,
              minimap: document.getElementById("minimap-image").src.length};
    },
    panel: function () {
      var width = viewportSize()[0];
      V.togglePanel(false);
      var result = {before: width, hidden: viewportSize()[0],
                    display: getComputedStyle(document.getElementById("panel")).display};
      document.dispatchEvent(new KeyboardEvent("keydown", {key: "p", bubbles: true}));
      result.shown = viewportSize()[0];
      document.dispatchEvent(new KeyboardEvent("keydown", {key: "?", bubbles: true}));
      result.help = !document.getElementById("help-overlay").hidden;
      result.keys = Array.prototype.map.call(document.querySelectorAll("#help-keys dt"),
                                             function (dt) { return dt.textContent; });
      document.dispatchEvent(new KeyboardEvent("keydown", {key: "x", bubbles: true}));
      result.helpClosed = document.getElementById("help-overlay").hidden;
      result.legend = Array.prototype.map.call(
        document.querySelectorAll("#legend .legend-entry b"), function (b) {
          return b.textContent; });
      return result;
    },
    panelText: function () { return document.getElementById("panel").innerText; },
    pinch: function () {
      // Two fingers 100 px apart move to 200 px apart: twice as close, about their midpoint.
      V.fit();
      var v = document.getElementById("viewport").getBoundingClientRect();
      var x = v.left + v.width / 2, y = v.top + v.height / 2, before = V.visible();
      function touch(type, id, atX) {
        document.getElementById("viewport").dispatchEvent(new PointerEvent(type, {
          pointerId: id, pointerType: "touch", isPrimary: id === 1, clientX: atX, clientY: y,
          bubbles: true, button: 0}));
      }
      touch("pointerdown", 1, x - 50);
      touch("pointerdown", 2, x + 50);
      touch("pointermove", 2, x + 100);
      touch("pointermove", 1, x - 100);
      var svg = document.querySelector("#viewport svg");
      var during = {transform: svg.style.transform, viewBox: svg.getAttribute("viewBox")};
      touch("pointerup", 1, x - 100);
      touch("pointerup", 2, x + 100);
      return {before: before, after: V.visible(), during: during,
              settled: {transform: svg.style.transform, viewBox: svg.getAttribute("viewBox")},
              box: V.viewBox()};
    },
    selectShows: function (key) {
      // Select a node at a close zoom, then report the view and where its origins are.
      // Close in on the node first, so that its origins are off screen.
      V.fit();
      V.jumpTo(key);
      V.zoom(0.2);
      var svg = document.querySelector("#viewport svg");
      function inView(id) {
        var r = document.getElementById(id).getBoundingClientRect();
        var s = svg.getBoundingClientRect();
        return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
      }
      var sources = (window.graphlensViewer && JSON.parse(
        document.getElementById("graphlens-data").textContent).nodes[key].sources) || [];
      var before = sources.map(inView);
      V.select(key);
      var outlined = Array.prototype.map.call(document.querySelectorAll("#viewport g.origin"),
                                              function (g) { return g.id; });
      return {outlined: outlined, before: before, inView: outlined.map(inView),
              selectedInView: inView(key)};
    },
    clickMark: function (index) {
      V.fit();
      var links = document.querySelectorAll("#marks a.jump");
      var texts = Array.prototype.map.call(document.querySelectorAll("#marks li"),
                                           function (li) { return li.innerText; });
      links[index].click();
      var selected = document.querySelector("#viewport g.node.selected");
      return {texts: texts, selected: selected && selected.id,
              title: document.getElementById("panel-title").textContent};
    }
  };
})();
