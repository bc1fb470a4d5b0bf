// search.js: find nodes by name, op, scope, source line, kind or type; jump from match to match.
//
// Every word of the query must match (case-insensitive, anywhere in the text); `field:word`
// looks in one field only: name, op, scope, line, kind, type. Matches are highlighted, the
// current one is selected and centred; a match inside a folded box opens the box.

var searchInput = document.getElementById("search");
var searchCount = document.getElementById("search-count");
var matches = [], current = -1;

var SEARCH_FIELDS = {
  name: function (facts) { return [facts.name, facts.kind !== "op" ? facts.title : null]; },
  op: function (facts) { return [facts.kind === "op" || facts.kind === "random" ?
                                 facts.title : null, facts.fused_closed]; },
  scope: function (facts) { return [facts.scope]; },
  line: function (facts) { return [facts.source]; },
  kind: function (facts) { return [facts.kind]; },
  type: function (facts) { return [facts.type, facts.dtype, facts.shape]; }
};

function searchable(facts) {
  return facts.kind !== "legend" && facts.kind !== "reference";
}

function textsOf(facts, field) {
  var names = field ? [field] : Object.keys(SEARCH_FIELDS);
  var texts = [];
  names.forEach(function (name) {
    SEARCH_FIELDS[name](facts).forEach(function (text) {
      if (text) { texts.push(String(text).toLowerCase()); }
    });
  });
  return texts;
}

function findMatches(query) {
  var words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) { return []; }
  var terms = words.map(function (word) {
    var split = /^(\w+):(.*)$/.exec(word);
    if (split && SEARCH_FIELDS[split[1]]) { return {field: split[1], text: split[2]}; }
    return {field: null, text: word};
  });
  return data.order.filter(function (key) {
    var facts = data.nodes[key];
    if (!searchable(facts)) { return false; }
    return terms.every(function (term) {
      return textsOf(facts, term.field).some(function (text) {
        return text.indexOf(term.text) >= 0;
      });
    });
  });
}

function markMatches() {
  clearMarks(["match", "current", "holds-match"]);
  matches.forEach(function (key, index) {
    var shape = element(key);
    if (!shape) {
      var box = outermostFold(key);
      shape = box && element(box + "_fold");
      if (shape) { shape.classList.add("holds-match"); }
      return;
    }
    shape.classList.add("match");
    if (index === current) { shape.classList.add("current"); }
  });
  searchCount.textContent = !searchInput.value.trim() ? "" :
      !matches.length ? "no match" :
      current < 0 ? matches.length + (matches.length === 1 ? " match" : " matches") :
      (current + 1) + " / " + matches.length;
  searchCount.classList.toggle("none", !!searchInput.value.trim() && !matches.length);
}

function runSearch() {
  matches = findMatches(searchInput.value);
  current = -1;                    // none visited yet: the first step goes to the first match
  markMatches();
}

function step(direction) {
  if (!matches.length) { runSearch(); }
  if (!matches.length) { return; }
  var count = matches.length;
  current = current < 0 ? (direction > 0 ? 0 : count - 1) : (current + direction + count) % count;
  var key = matches[current];
  markMatches();
  if (element(key)) {
    select(key, {reveal: true});
  } else {
    unfoldAround(key).then(function () { markMatches(); select(key, {reveal: true}); });
  }
}

function focusSearch() { searchInput.focus(); searchInput.select(); }

var typingTimer = null;
searchInput.addEventListener("input", function () {
  runSearch();
  // The count follows every key; the view jumps to the first match once typing pauses, not
  // to every prefix on the way. Enter walks on from there.
  clearTimeout(typingTimer);
  typingTimer = setTimeout(function () {
    if (matches.length && current < 0) { step(1); }
  }, 250);
});
searchInput.addEventListener("keydown", function (event) {
  if (event.key === "Enter") {
    event.preventDefault();
    clearTimeout(typingTimer);
    step(event.shiftKey ? -1 : 1);
  }
  else if (event.key === "Escape") {
    searchInput.value = ""; runSearch(); searchInput.blur(); viewport.focus();
  }
  event.stopPropagation();
});
document.getElementById("search-next").addEventListener("click", function () { step(1); });
document.getElementById("search-prev").addEventListener("click", function () { step(-1); });
on("adopted", function () { if (matches.length) { markMatches(); } });
