// theme.js: dark mode, following the system (prefers-color-scheme) unless the reader switches.
//
// Graphviz writes colours as attributes (fill="#c7e9c0"); in dark mode each gets an inline
// style with the same hue at the opposite lightness, so a pale green input becomes a dark
// green one and black text turns light. The attributes stay as they were: switching back
// only drops the styles. Rewrite colours and trace marks keep their hue, so the legend holds.

var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
var themeChoice = null;            // null: follow the system; else "dark" or "light"
var darkColours = {};
var colourProbe = document.createElement("span");

function isDark() {
  return themeChoice ? themeChoice === "dark" : !!(darkQuery && darkQuery.matches);
}

function rgbOf(colour) {
  colourProbe.style.color = "";
  colourProbe.style.color = colour;
  if (!colourProbe.style.color) { return null; }
  document.body.appendChild(colourProbe);
  var parts = getComputedStyle(colourProbe).color.match(/[\d.]+/g).map(Number);
  colourProbe.remove();
  return parts;
}

function darkColour(colour) {
  if (colour in darkColours) { return darkColours[colour]; }
  var rgb = colour === "none" || colour === "transparent" ? null : rgbOf(colour);
  var result = null;
  if (rgb && !(rgb.length > 3 && rgb[3] === 0)) {
    var r = rgb[0] / 255, g = rgb[1] / 255, b = rgb[2] / 255;
    var max = Math.max(r, g, b), min = Math.min(r, g, b), l = (max + min) / 2;
    var h = 0, s = 0;
    if (max !== min) {
      var d = max - min;
      s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
      h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      h *= 60;
    }
    // Lightness flips into 0.12 .. 0.92; saturated pale fills keep some colour.
    var dark = 0.12 + 0.8 * (1 - l);
    result = "hsl(" + h.toFixed(0) + "," + (s * 85).toFixed(0) + "%," +
             (dark * 100).toFixed(0) + "%)";
  }
  darkColours[colour] = result;
  return result;
}

function recolour(root) {
  var dark = isDark();
  var painted = root.querySelectorAll("[fill], [stroke]");
  for (var i = 0; i < painted.length; i++) {
    var item = painted[i];
    ["fill", "stroke"].forEach(function (name) {
      var value = item.getAttribute(name);
      if (!value) { return; }
      var mapped = dark ? darkColour(value) : null;
      item.style[name] = mapped || "";
    });
    if (!dark && item.getAttribute("style") === "") { item.removeAttribute("style"); }
  }
}

function applyTheme() {
  document.documentElement.classList.toggle("dark", isDark());
  if (svg) { recolour(svg); }
  var swatches = document.querySelectorAll("#legend svg");
  for (var i = 0; i < swatches.length; i++) { recolour(swatches[i]); }
  emit("themed");
}
listeners.themed = [];

function switchTheme() {
  themeChoice = isDark() ? "light" : "dark";
  applyTheme();
}

if (darkQuery && darkQuery.addEventListener) {
  darkQuery.addEventListener("change", function () { themeChoice = null; applyTheme(); });
}
on("adopted", function () { if (isDark()) { recolour(svg); } });
