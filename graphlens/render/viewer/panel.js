// panel.js: the panel of facts, the legend and the list of marked nodes.
//
// Everything from the graph is written with textContent, never parsed as HTML. The panel
// shows names a reader knows (titles, scopes, source lines), never the picture's own keys.

var selected = null;      // key of the selected node or cluster
var panelTitle = document.getElementById("panel-title");
var panelBody = document.getElementById("panel-body");
var panelActions = document.getElementById("panel-actions");

function clearMarks(names) {
  var marked = document.querySelectorAll("#viewport ." + names.join(", #viewport ."));
  for (var i = 0; i < marked.length; i++) {
    marked[i].classList.remove.apply(marked[i].classList, names);
  }
}

function row(term, value) {
  if (value === undefined || value === null || value === "" ||
      (Array.isArray(value) && value.length === 0)) { return; }
  var dt = document.createElement("dt"), dd = document.createElement("dd");
  dt.textContent = term;
  dd.textContent = Array.isArray(value) ? value.join("\n") : String(value);
  panelBody.appendChild(dt); panelBody.appendChild(dd);
  return dd;
}

function titleOf(key) {
  var facts = data.nodes[key];
  if (facts) {
    return facts.title + (facts.scope ? "  (in " + facts.scope + ")" : "") +
        (facts.stage ? "  \u00b7 " + facts.stage : "");
  }
  var cluster = data.clusters[key];
  return cluster ? cluster.title : "?";
}

function linkRow(term, keys) {
  // A list of nodes the reader can jump to (each by its title, never its key).
  if (!keys.length) { return; }
  var dt = document.createElement("dt"), dd = document.createElement("dd");
  dt.textContent = term;
  keys.forEach(function (key) {
    var link = document.createElement("a");
    link.href = "#";
    link.className = "jump";
    link.textContent = titleOf(key) + (data.nodes[key] && data.nodes[key].source ?
                                       "  " + data.nodes[key].source : "");
    link.addEventListener("click", function (event) { event.preventDefault(); jumpTo(key); });
    dd.appendChild(link);
  });
  panelBody.appendChild(dt); panelBody.appendChild(dd);
}

function action(label, title, callback) {
  var button = document.createElement("button");
  button.textContent = label;
  button.title = title;
  button.addEventListener("click", callback);
  panelActions.appendChild(button);
}

function select(key, options) {
  // Select a node or a box: outline it (and the before-graph nodes it came from), fill the
  // panel, and bring them into view when `options.reveal` (a jump, a search hit).
  options = options || {};
  var facts = data.nodes[key], cluster = data.clusters[key];
  if (!facts && !cluster) { return false; }
  if (!element(key) && !element(key + "_fold") && hiddenIn(key)) {
    // Drawn inside a folded box: open it first, then select.
    unfoldAround(key).then(function () { select(key, options); });
    return true;
  }
  selected = key;
  clearMarks(["selected", "origin", "incoming", "outgoing"]);
  var shape = element(key) || element(key + "_fold");
  var shown = [];
  if (shape) {
    shape.classList.add("selected");
    shown.push(boxOf(shape));
    markEdges(shape.id);
  }
  panelBody.textContent = "";
  panelActions.textContent = "";
  if (cluster) {
    panelTitle.textContent = cluster.title;
    row("kind", {scope: "name scope", fused: "fused op", loop: "loop step",
                 stage: "stage", legend: "legend"}[cluster.kind] || cluster.kind);
    row("scope", cluster.scope);
    row("ops inside", cluster.ops);
    row("about", cluster.tooltip);
    if (isFoldable(key)) {
      var isFolded = folded.has(key);
      action(isFolded ? "Unfold" : "Fold", (isFolded ? "open" : "close") + " this box (Enter)",
             function () { toggleFold(key); });
    }
  } else {
    panelTitle.textContent = facts.title;
    row("kind", facts.kind === "op" ? "op" : facts.kind);
    row("name", facts.name);
    row("scope", facts.scope);
    row("drawn in", facts.stage);
    row("type", facts.dtype || facts.type);
    row("shape", facts.shape);
    row("value shape", facts.value_shape);
    row("built at", facts.source);
    row("inside fused op", facts.fused_in);
    row("formula (drawn closed)", facts.fused_closed);
    row("outside the focus", facts.outside);
    row("shapes do not fit", facts.shape_conflict);
    row("made by rewrite", facts.rule &&
        (facts.rule + (facts.rule_location ? "  (" + facts.rule_location + ")" : "")));
    row("rewrites in its ancestry", facts.rules);
    row("marks", facts.marks);
    var origins = [];
    (facts.sources || []).forEach(function (source) {
      var origin = element(source);
      if (origin) {
        origin.classList.add("origin");
        origins.push(source);
        shown.push(boxOf(origin));
      }
    });
    if (origins.length) { linkRow("from before-graph nodes", origins); }
    else { row("from before-graph nodes", facts.from_before); }
    if (facts.kind === "fold") {
      row("ops inside", facts.ops);
      row("open it", expandCommand(key) + "  (folded when the page was made: its ops " +
          "are not in this page)");
    }
    if (facts.refers_to) {
      linkRow("stands for", [facts.refers_to]);
      action("Go there", "jump to the node this tag stands for",
             function () { jumpTo(facts.refers_to); });
    }
    if (facts.counts) { row("ops not drawn", Object.keys(facts.counts).map(function (name) {
      return name + " x" + facts.counts[name]; })); }
  }
  if (options.reveal) { showBoxes(shown.slice(0, 1), true); }
  if (shown.length > 1) { showBoxes(shown, false); }   // origins far away: bring them in too
  if (window.history && window.history.replaceState && !options.quiet) {
    window.history.replaceState(null, "", "#select=" + encodeURIComponent(key));
  }
  return true;
}

function markEdges(id) {
  // The edges into and out of the selected node, so its inputs and readers can be followed.
  // Graphviz titles each edge "tail->head".
  var edges = svg.querySelectorAll("g.edge > title");
  for (var i = 0; i < edges.length; i++) {
    var ends = edges[i].textContent.split("->");
    if (ends[1] === id) { edges[i].parentNode.classList.add("incoming"); }
    else if (ends[0] === id) { edges[i].parentNode.classList.add("outgoing"); }
  }
}

function jumpTo(key) { return select(key, {reveal: true}); }

function unselect() {
  selected = null;
  clearMarks(["selected", "origin", "incoming", "outgoing"]);
  panelTitle.textContent = "Click a node";
  panelBody.textContent = "";
  panelActions.textContent = "";
}

function drawMarks() {
  var list = document.getElementById("marks");
  list.textContent = "";
  document.getElementById("marks-section").hidden = !data.marks.length;
  data.marks.forEach(function (key) {
    var item = document.createElement("li"), link = document.createElement("a");
    link.href = "#";
    link.className = "jump";
    link.textContent = titleOf(key);
    link.addEventListener("click", function (event) { event.preventDefault(); jumpTo(key); });
    var why = document.createElement("div");
    why.className = "why";
    why.textContent = (data.nodes[key].marks || []).join("\n");
    item.appendChild(link); item.appendChild(why);
    list.appendChild(item);
  });
}

var SVG_NS = "http://www.w3.org/2000/svg";

function swatch(spec) {
  // A small drawing of one legend entry, from the same attributes the picture uses.
  var picture = document.createElementNS(SVG_NS, "svg");
  picture.setAttribute("width", "44"); picture.setAttribute("height", "22");
  picture.setAttribute("viewBox", "0 0 44 22");
  function add(name, attrs) {
    var shape = document.createElementNS(SVG_NS, name);
    Object.keys(attrs).forEach(function (attr) { shape.setAttribute(attr, attrs[attr]); });
    picture.appendChild(shape);
    return shape;
  }
  var paint = {fill: spec.fill || "none", stroke: spec.stroke || "#000000",
               "stroke-width": String(Math.min(spec.width || 1, 3))};
  if (spec.dash) { paint["stroke-dasharray"] = spec.dash; }
  if (spec.edge) {
    add("line", Object.assign({x1: "3", y1: "11", x2: "36", y2: "11"}, paint, {fill: "none"}));
    add("path", {d: "M35,7 L42,11 L35,15 Z", fill: spec.stroke, stroke: "none"});
    if (spec.text) { add("text", {x: "30", y: "8", "font-size": "8", fill: spec.stroke})
                       .textContent = spec.text; }
    return picture;
  }
  var shape = spec.shape;
  if (shape === "ellipse" || shape === "circle") {
    if (spec.double) { add("ellipse", Object.assign({cx: "22", cy: "11", rx: "20", ry: "10"},
                                                    paint, {fill: "none"})); }
    add("ellipse", Object.assign({cx: "22", cy: "11", rx: spec.double ? "17" : "20",
                                  ry: spec.double ? "7.5" : "9"}, paint));
  } else if (shape === "hexagon") {
    add("polygon", Object.assign({points: "2,11 9,2 35,2 42,11 35,20 9,20"}, paint));
  } else if (shape === "octagon") {
    add("polygon", Object.assign({points: "14,2 30,2 37,7 37,15 30,20 14,20 7,15 7,7"}, paint));
  } else if (shape === "cylinder") {
    add("path", Object.assign({d: "M4,5 A18,3.5 0 0 1 40,5 L40,17 A18,3.5 0 0 1 4,17 Z"}, paint));
    add("path", Object.assign({d: "M4,5 A18,3.5 0 0 0 40,5"}, paint, {fill: "none"}));
  } else if (shape === "box3d") {
    add("polygon", Object.assign({points: "2,6 6,2 42,2 42,16 38,20 2,20"}, paint));
    add("polyline", Object.assign({points: "2,6 38,6 38,20"}, paint, {fill: "none"}));
    add("line", Object.assign({x1: "38", y1: "6", x2: "42", y2: "2"}, paint));
  } else {
    add("rect", Object.assign({x: "2", y: "3", width: "40", height: "16",
                               rx: spec.rounded ? "4" : "0"}, paint));
  }
  if (spec.text) { add("text", {x: "22", y: "14", "font-size": "8", "text-anchor": "middle",
                                fill: spec.text}).textContent = "Aa"; }
  return picture;
}

var LEGEND_GROUPS = [["shapes", "Nodes"], ["boxes", "Boxes"], ["edges", "Edges"],
                     ["rewrites", "Colour: the rewrite that made the node"],
                     ["trace", "Marks on the picture"], ["viewer", "Marks of this viewer"]];

function drawLegend() {
  var legend = document.getElementById("legend");
  legend.textContent = "";
  LEGEND_GROUPS.forEach(function (group) {
    var entries = data.legend.filter(function (entry) { return entry.group === group[0]; });
    if (!entries.length) { return; }
    var heading = document.createElement("h3");
    heading.textContent = group[1];
    legend.appendChild(heading);
    entries.forEach(function (entry) {
      var item = document.createElement("div");
      item.className = "legend-entry";
      item.appendChild(swatch(entry.swatch));
      var words = document.createElement("div"), label = document.createElement("b");
      label.textContent = entry.label;
      words.appendChild(label);
      if (entry.words) { words.appendChild(document.createTextNode(": " + entry.words)); }
      item.appendChild(words);
      legend.appendChild(item);
    });
  });
}

function togglePanel(show) {
  var hidden = show === undefined ? !document.body.classList.contains("panel-hidden") : !show;
  document.body.classList.toggle("panel-hidden", hidden);
  document.getElementById("toggle-panel").setAttribute("aria-expanded", String(!hidden));
}
