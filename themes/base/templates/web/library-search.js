/* The library's search box: Pagefind's index (pagefind/, written by the build) searched
   in the browser.  Works from any web server, offline too; a page opened from disk
   (file://) cannot load the index, and says so. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-zk-search]");
  if (!form) { return; }
  var box = form.querySelector("input[type=search]");
  var note = form.querySelector(".zk-search-note");
  var out = document.querySelector(".zk-search-results");
  var bundle = new URL(form.getAttribute("data-zk-search"), document.baseURI);
  var library = new URL("..", bundle);
  var engine = null;

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: library.pathname }).then(function () { return pagefind; });
      });
    }
    return engine;
  }

  function excerpt(html) {
    /* Pagefind's excerpt is escaped text with <mark> around the words found: keep only those */
    var holder = document.createElement("p");
    var parts = html.split(/(<mark>|<\/mark>)/);
    var marked = false;
    parts.forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      var text = document.createElement("textarea");
      text.innerHTML = part;
      var node = document.createTextNode(text.value);
      if (marked) { var mark = document.createElement("mark"); mark.appendChild(node); holder.appendChild(mark); }
      else { holder.appendChild(node); }
    });
    return holder;
  }

  function show(results) {
    out.textContent = "";
    var list = document.createElement("ol");
    results.forEach(function (found) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      /* a text indexed from its EPUB leads to the issue on the download page */
      link.href = found.meta && found.meta.link ? new URL(found.meta.link, library).href : found.url;
      link.textContent = (found.meta && found.meta.title) || found.url;
      item.appendChild(link);
      item.appendChild(excerpt(found.excerpt || ""));
      list.appendChild(item);
    });
    out.appendChild(list);
    out.setAttribute("data-count", String(results.length));
  }

  function search(event) {
    if (event) { event.preventDefault(); }
    var words = box.value.trim();
    if (!words) { out.textContent = ""; return; }
    load().then(function (pagefind) {
      return pagefind.search(words);
    }).then(function (found) {
      return Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(show).catch(function () {
      note.hidden = false;
    });
  }

  if (location.protocol === "file:") { note.hidden = false; }
  form.addEventListener("submit", search);
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) { box.value = asked; search(); }
})();
