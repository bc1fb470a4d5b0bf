// fold.js: fold a name scope or a fused op into one box, and open it again, laid out anew.
//
// The page carries the picture's DOT in pieces (`dot.py: dot_parts`) and Graphviz itself,
// compiled to WebAssembly (the same build `pip install graphlens` lays pictures out with). A
// fold puts the DOT together again with each folded box drawn as one node, every edge into or
// out of it rerouted to that node (one edge per pair and kind), and lays it out in the browser:
// no network, no server. The box the reader clicked stays where it was on screen.

var folded = new Set(data.folded);
var graphviz = null;         // a Promise of the running WebAssembly Graphviz
var status = document.getElementById("status");

function isFoldable(key) {
  // A page made with fold=False carries no Graphviz and no folds: every box stays open.
  return key in data.dot.folds && !!document.getElementById("graphlens-wasm");
}

function expandCommand(key) {
  // How to draw a box folded when the page was made open: its ops are not in this page.
  var facts = data.nodes[key];
  return "graphlens show MODEL.py --expand " + ((facts.scopes || [])[0] || "all");
}

function explainServerFold(key) {
  // A box folded before the page was written (the graph is too big for the page to hold
  // whole) cannot open here: say what draws it open.
  status.textContent = data.nodes[key].title + " was folded when this page was made (" +
    data.nodes[key].ops + " ops, not in the page): draw it open with `" + expandCommand(key) +
    " -o page.html` (or --expand all)";
  status.classList.remove("error");
}

function ancestors(cluster) {
  var chain = [];
  while (cluster) { chain.push(cluster); cluster = data.clusters[cluster].parent; }
  return chain;
}

function outermostFold(key) {
  // The outermost folded box a node (or a box) is drawn inside, or null.
  var facts = data.nodes[key];
  var chain = ancestors(facts ? facts.cluster : data.clusters[key].parent);
  var found = null;
  chain.forEach(function (cluster) { if (folded.has(cluster)) { found = cluster; } });
  return found;
}

function hiddenIn(key) { return outermostFold(key) !== null; }

function assembleDot(foldedSet) {
  // The picture's DOT with the boxes in `foldedSet` folded; with none folded, exactly the
  // text Python wrote (the tests compare the two).
  var parts = data.dot, lines = parts.head.slice();
  var members = {}, children = {}, shownAs = {};
  parts.nodes.forEach(function (node) {
    (members[node[1]] = members[node[1]] || []).push(node);
  });
  parts.clusters.forEach(function (cluster) {
    (children[cluster[1]] = children[cluster[1]] || []).push(cluster);
  });
  var attrsOf = {};
  parts.clusters.forEach(function (cluster) { attrsOf[cluster[0]] = cluster[2]; });
  function foldOf(cluster) {
    var found = null;
    ancestors(cluster).forEach(function (key) { if (foldedSet.has(key)) { found = key; } });
    return found;
  }
  // Explicit stack, as dot.py writes it: members first, then child boxes in order.
  var stack = [[null, "  ", "open"]];
  while (stack.length) {
    var item = stack.pop(), key = item[0], pad = item[1];
    if (item[2] === "close") { lines.push(pad + "}"); continue; }
    var inner = pad;
    if (key !== null) {
      if (foldedSet.has(key)) {
        lines.push(pad + key + "_fold [" + parts.folds[key] + "];");
        continue;
      }
      lines.push(pad + "subgraph " + key + " {");
      lines.push(pad + "  graph [" + attrsOf[key] + "];");
      inner = pad + "  ";
      stack.push([key, pad, "close"]);
    }
    (members[key] || []).forEach(function (node) {
      lines.push(inner + node[0] + " [" + node[2] + "];");
    });
    var kids = children[key] || [];
    for (var i = kids.length - 1; i >= 0; i--) { stack.push([kids[i][0], inner, "open"]); }
  }
  parts.nodes.forEach(function (node) {
    var fold = node[1] ? foldOf(node[1]) : null;
    shownAs[node[0]] = fold ? fold + "_fold" : node[0];
  });
  var drawn = {}, count = 0;
  parts.edges.forEach(function (edge) {
    var tail = shownAs[edge[0]], head = shownAs[edge[1]];
    if (tail === edge[0] && head === edge[1]) { lines.push(edge[3]); return; }
    if (tail === head) { return; }              // inside one folded box
    var pair = tail + " " + head + " " + edge[2];
    if (drawn[pair]) { return; }
    drawn[pair] = true;
    var style = parts.edge_styles[edge[2]];
    lines.push("  " + tail + " -> " + head + " [" + style + (style ? ", " : "") +
               "id=\"ef" + (count++) + "\"];");
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

// A WASI preview-1 host with nothing in it: no files, no clock, no randomness (Graphviz's dot
// layout needs none), stdout and stderr kept for error messages.
function wasiHost(memory) {
  var BADF = 8, NOENT = 44, SPIPE = 70, written = [];
  function view() { return new DataView(memory().buffer); }
  return {
    written: written,
    imports: {wasi_snapshot_preview1: {
      environ_get: function () { return 0; },
      environ_sizes_get: function (count, size) {
        view().setUint32(count, 0, true); view().setUint32(size, 0, true); return 0;
      },
      clock_time_get: function (id, precision, time) {
        view().setBigUint64(time, BigInt(0), true); return 0;
      },
      fd_close: function () { return 0; },
      fd_fdstat_get: function (fd, stat) {
        if (fd > 2) { return BADF; }
        var v = view();
        v.setUint8(stat, 2); v.setUint16(stat + 2, 0, true);         // a character device
        v.setBigUint64(stat + 8, BigInt(0), true); v.setBigUint64(stat + 16, BigInt(0), true);
        return 0;
      },
      fd_fdstat_set_flags: function () { return 0; },
      fd_filestat_get: function () { return BADF; },
      fd_prestat_get: function () { return BADF; },
      fd_prestat_dir_name: function () { return BADF; },
      fd_read: function (fd, iovs, count, read) { view().setUint32(read, 0, true); return 0; },
      fd_seek: function () { return SPIPE; },
      fd_write: function (fd, iovs, count, writtenPtr) {
        var v = view(), total = 0;
        for (var i = 0; i < count; i++) {
          var start = v.getUint32(iovs + 8 * i, true), length = v.getUint32(iovs + 8 * i + 4, true);
          written.push(new TextDecoder().decode(new Uint8Array(memory().buffer, start, length)));
          total += length;
        }
        v.setUint32(writtenPtr, total, true);
        return 0;
      },
      path_filestat_get: function () { return NOENT; },
      path_open: function () { return NOENT; },
      proc_exit: function (code) { throw new Error("Graphviz exited with status " + code); },
      random_get: function (buffer, length) {
        new Uint8Array(memory().buffer, buffer, length).fill(0); return 0;
      }
    }}
  };
}

function startGraphviz() {
  var packed = document.getElementById("graphlens-wasm");
  if (!packed) { return Promise.reject(new Error("this page carries no Graphviz")); }
  var text = atob(packed.textContent.trim()), bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  var instance = null;
  var host = wasiHost(function () { return instance.exports.memory; });
  return new Response(stream).arrayBuffer().then(function (module) {
    return WebAssembly.instantiate(module, host.imports);
  }).then(function (result) {
    instance = result.instance;
    return {exports: instance.exports, host: host};
  });
}

function layOut(dot) {
  if (!graphviz) { graphviz = startGraphviz(); }
  return graphviz.then(function (gv) {
    var ex = gv.exports, encoder = new TextEncoder();
    function cString(text) {
      var bytes = encoder.encode(text + "\0"), address = ex.malloc(bytes.length);
      new Uint8Array(ex.memory.buffer, address, bytes.length).set(bytes);
      return address;
    }
    var source = cString(dot), format = cString("svg"), engine = cString("dot");
    var lengthAt = ex.malloc(4);
    gv.host.written.length = 0;
    try {
      var result = ex.graphviz_render(source, format, engine, lengthAt);
      if (!result) {
        var message = new Uint8Array(ex.memory.buffer, ex.graphviz_last_error(), 4096);
        var end = message.indexOf(0);
        throw new Error(new TextDecoder().decode(message.subarray(0, end < 0 ? 4096 : end)) ||
                        gv.host.written.join("") || "Graphviz could not lay the picture out");
      }
      var length = new DataView(ex.memory.buffer).getUint32(lengthAt, true);
      var svgText = new TextDecoder().decode(new Uint8Array(ex.memory.buffer, result, length));
      ex.graphviz_free(result);
      return svgText;
    } catch (error) {
      graphviz = null;      // its heap is in an unknown state: start afresh next time
      throw error;
    } finally {
      if (graphviz) { [source, format, engine, lengthAt].forEach(ex.graphviz_free); }
    }
  });
}

function anchorOf(key) {
  // Where box `key` is on screen now (open or folded), in SVG units, or null.
  var shape = element(key) || element(key + "_fold");
  if (!shape) { return null; }
  var b = boxOf(shape);
  return [b[0] + b[2] / 2, b[1] + b[3] / 2];
}

var layoutQueue = Promise.resolve();

function relayout(newFolded, anchorKey) {
  // Lay the picture out with `newFolded` folded; keep `anchorKey`'s box where it was.
  layoutQueue = layoutQueue.then(function () {
    var before = anchorKey ? anchorOf(anchorKey) : null, oldBox = box.slice();
    status.textContent = "laying out…";
    status.classList.remove("error");
    return layOut(assembleDot(newFolded)).then(function (svgText) {
      var parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
      var fresh = document.importNode(parsed.documentElement, true);
      folded = newFolded;
      svg.replaceWith(fresh);
      adopt(fresh);
      var after = anchorKey ? anchorOf(anchorKey) : null;
      if (before && after) {
        box = [after[0] - (before[0] - oldBox[0]), after[1] - (before[1] - oldBox[1]),
               oldBox[2], oldBox[3]];
        show();
      }
      if (selected && (element(selected) || element(selected + "_fold"))) {
        select(selected, {quiet: true});
      }
      status.textContent = "";
      emit("folded");
    }).catch(function (error) {
      status.textContent = "could not lay the picture out again: " + error.message;
      status.classList.add("error");
    });
  });
  return layoutQueue;
}
listeners.folded = [];

function toggleFold(key) {
  var next = new Set(folded);
  if (next.has(key)) { next.delete(key); } else { next.add(key); }
  return relayout(next, key);
}

function unfoldAround(key) {
  // Open every folded box that hides node `key`.
  var next = new Set(folded), facts = data.nodes[key];
  ancestors(facts ? facts.cluster : data.clusters[key].parent).forEach(function (cluster) {
    next.delete(cluster);
  });
  return relayout(next, outermostFold(key));
}

function foldAll() {
  // Fold the outermost boxes: one per name scope, and each fused op outside any scope (open,
  // a gradient's fused ops stretch down the picture to the forward values they read).
  var next = new Set();
  Object.keys(data.dot.folds).forEach(function (key) {
    var above = ancestors(data.clusters[key].parent);
    if (!above.some(function (cluster) { return cluster in data.dot.folds; })) { next.add(key); }
  });
  return relayout(next, null).then(fit);
}

function unfoldAll() { return relayout(new Set(), null).then(fit); }
