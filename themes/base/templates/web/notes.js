/* Footnotes near their call.  Without this script a note call is a link to the note
   after the article, with a link back.  With it, wide screens show every note in the
   margin beside its call, and narrow screens open a note under its call on a tap. */
(function () {
  "use strict";
  var WIDE = "(min-width: 72em)";
  var GAP = 8;

  function notes() {
    return Array.prototype.slice.call(
      document.querySelectorAll("section.footnotes > aside.footnote"));
  }

  function callOf(note) {
    return document.getElementById("ref-" + note.id);
  }

  function placeInMargin() {
    var wide = window.matchMedia(WIDE).matches;
    document.body.classList.toggle("zk-margin-notes", wide);
    var bottom = 0;
    notes().forEach(function (note) {
      var call = callOf(note);
      var article = note.closest("article");
      if (!wide || !call || !article) {
        note.style.top = "";
        return;
      }
      var origin = article.getBoundingClientRect().top + window.scrollY;
      var top = Math.max(call.getBoundingClientRect().top + window.scrollY, bottom);
      note.style.top = (top - origin) + "px";
      bottom = top + note.offsetHeight + GAP;
    });
  }

  function toggleUnderCall(call, note) {
    var next = call.nextElementSibling;
    if (next && next.classList.contains("zk-open-note")) {
      next.remove();
      call.setAttribute("aria-expanded", "false");
      return;
    }
    var open = document.createElement("span");
    open.className = "zk-open-note" + (note.classList.contains("ed-footnote") ? " ed-footnote" : "");
    open.setAttribute("role", "note");
    open.innerHTML = note.innerHTML;
    var back = open.querySelector(".backlink");
    if (back) back.remove();
    call.insertAdjacentElement("afterend", open);
    call.setAttribute("aria-expanded", "true");
  }

  function onClick(event) {
    var call = event.target.closest("a.noteref");
    if (!call) return;
    var note = document.getElementById(call.getAttribute("href").slice(1));
    if (!note) return;
    event.preventDefault();
    if (document.body.classList.contains("zk-margin-notes")) {
      note.classList.remove("zk-flash");
      void note.offsetWidth;  /* restart the highlight */
      note.classList.add("zk-flash");
    } else {
      toggleUnderCall(call, note);
    }
  }

  function onHover(event) {
    var call = event.target.closest && event.target.closest("a.noteref");
    if (!call) return;
    var note = document.getElementById(call.getAttribute("href").slice(1));
    if (note) note.classList.toggle("zk-hover", event.type === "mouseover");
  }

  document.addEventListener("DOMContentLoaded", function () {
    placeInMargin();
    document.addEventListener("click", onClick);
    document.addEventListener("mouseover", onHover);
    document.addEventListener("mouseout", onHover);
    window.addEventListener("resize", placeInMargin);
    window.addEventListener("load", placeInMargin);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(placeInMargin);
  });
})();
