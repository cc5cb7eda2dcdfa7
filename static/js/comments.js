/* Commenting on the reading page: a block's Comment button or a text selection opens the
   comment dialog pre-filled with the block and the quoted text. Without JavaScript the
   Comment links lead to a page with the same form. */
(function () {
  "use strict";
  var dialog = document.getElementById("comment-dialog");
  var form = document.getElementById("comment-dialog-form");
  if (!dialog || !form || typeof dialog.showModal !== "function") { return; }
  var blockField = document.getElementById("dlg-block");
  var quoteField = document.getElementById("dlg-quote");
  var target = document.getElementById("comment-dialog-target");
  var quoteBox = document.getElementById("comment-dialog-quote");
  var body = document.getElementById("dlg-body");
  var cancel = document.getElementById("comment-dialog-cancel");
  var selectionButton = document.getElementById("comment-selection");
  var opener = null;
  var pending = null;  /* {anchor, number, quote} from the last selection */

  function open(anchor, number, quote, from) {
    opener = from || document.activeElement;
    blockField.value = anchor || "";
    quoteField.value = quote || "";
    target.textContent = anchor ? form.dataset.on.replace("{number}", number) : form.dataset.whole;
    quoteBox.textContent = quote || "";
    quoteBox.hidden = !quote;
    selectionButton.hidden = true;
    dialog.showModal();
    body.focus();
  }

  dialog.addEventListener("close", function () {
    if (opener && document.contains(opener)) { opener.focus(); }
  });
  cancel.addEventListener("click", function () { dialog.close(); });

  /* The stops Tab makes inside the dialog: a radio group is one stop (its checked radio). */
  function tabStops() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"),
      function (el) {
        if (el.disabled || el.tabIndex < 0 || el.getClientRects().length === 0) { return false; }
        if (el.type !== "radio" || el.checked) { return true; }
        var group = form.querySelectorAll('input[type="radio"][name="' + el.name + '"]');
        return !Array.prototype.some.call(group, function (r) { return r.checked; }) && group[0] === el;
      });
  }

  /* showModal() keeps focus out of the page but lets Tab leave for the browser's own
     controls; keep it cycling inside the dialog instead. */
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var stops = tabStops();
    if (stops.length === 0) { return; }
    var first = stops[0];
    var last = stops[stops.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault(); first.focus();
    }
  });

  document.querySelectorAll("[data-comment-block]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      open(button.dataset.commentBlock, button.dataset.commentNumber, "", button);
    });
  });

  function blockOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".block") : null;
  }

  function onSelection() {
    var selection = window.getSelection();
    var text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    if (!text || selection.rangeCount === 0) { selectionButton.hidden = true; pending = null; return; }
    var start = blockOf(selection.anchorNode);
    var end = blockOf(selection.focusNode);
    if (!start || start !== end || !start.closest(".block-body, .block")) {
      selectionButton.hidden = true; pending = null; return;
    }
    pending = { anchor: start.dataset.anchor, number: start.dataset.number, quote: text.slice(0, 1000) };
    var rect = selection.getRangeAt(0).getBoundingClientRect();
    selectionButton.style.top = (window.scrollY + rect.bottom + 6) + "px";
    selectionButton.style.left = (window.scrollX + Math.max(8, rect.left)) + "px";
    selectionButton.hidden = false;
  }

  document.querySelector(".document").addEventListener("mouseup", function () {
    window.setTimeout(onSelection, 0);
  });
  document.querySelector(".document").addEventListener("keyup", function (event) {
    if (event.shiftKey) { onSelection(); }
  });
  selectionButton.addEventListener("mousedown", function (event) { event.preventDefault(); });
  selectionButton.addEventListener("click", function () {
    if (pending) { open(pending.anchor, pending.number, pending.quote, selectionButton); }
  });
}());
