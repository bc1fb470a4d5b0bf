// Parses LaTeX formulas with KaTeX, as a notebook or a paper's renderer would.
// stdin: a JSON array of formulas; stdout: a JSON array with, for each, null or KaTeX's error.
const katex = require("katex");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((formula) => {
    try {
      katex.renderToString(formula, { displayMode: true, throwOnError: true, strict: "error" });
      return null;
    } catch (error) {
      return String(error.message || error);
    }
  });
  process.stdout.write(JSON.stringify(results));
});
