// iaticonv report filters. The page is complete without this script; it adds the category, rule and
// text filters, hides panels left empty by a filter, and counts what is shown. It only reads the page
// (data-* attributes) and never loads anything.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var panels = Array.prototype.slice.call(document.querySelectorAll(".panel"));
  var category = document.getElementById("filter-category");
  var rule = document.getElementById("filter-rule");
  var search = document.getElementById("filter-search");
  var shown = document.getElementById("shown");
  var template = shown ? shown.getAttribute("data-template") : "";
  // What the search box looks in: the rule id, message, XPath, value and source of each finding and
  // the title and identifier of its panel, read once from the page rather than stored twice in it.
  function texts(node, selector) {
    return Array.prototype.map.call(node.querySelectorAll(selector), function (part) {
      return part.textContent;
    }).join(" ");
  }
  var haystacks = findings.map(function (item) {
    var panel = item.closest(".panel");
    var head = panel ? texts(panel, "summary h3, summary .ident") : "";
    return (head + " " + texts(item, ".rule, .msg, dd")).replace(/\s+/g, " ").toLowerCase();
  });

  function checkedSeverities() {
    var on = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (box) {
      on[box.value] = box.checked;
    });
    return on;
  }

  function apply() {
    var severities = checkedSeverities();
    var cat = category ? category.value : "";
    var id = rule ? rule.value : "";
    var text = search ? search.value.trim().toLowerCase() : "";
    var count = 0;
    findings.forEach(function (item, index) {
      var visible = severities[item.getAttribute("data-severity")] !== false &&
        (!cat || item.getAttribute("data-category") === cat) &&
        (!id || item.getAttribute("data-rule") === id) &&
        (!text || haystacks[index].indexOf(text) !== -1);
      item.hidden = !visible;
      if (visible) { count += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".finding:not([hidden])");
    });
    panels.forEach(function (panel) {
      panel.hidden = !panel.querySelector(".finding:not([hidden])");
    });
    if (shown) {
      shown.textContent = template.replace("{shown}", String(count))
        .replace("{total}", String(findings.length));
    }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
}());
