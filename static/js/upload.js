/* Upload with a progress bar: XHR upload progress, then a "converting" phase.
   Without JavaScript the form posts normally. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var button = document.getElementById("upload-button");
  var box = form.querySelector(".upload-progress");
  var bar = document.getElementById("upload-progress-bar");
  var status = document.getElementById("upload-status");
  var busy = false;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("upload-error", Boolean(isError));
    if (isError) { status.focus(); }
  }

  function finish() {
    busy = false;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { say(form.dataset.busy); return; }
    busy = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    box.hidden = false;
    bar.value = 0;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      say(form.dataset.uploading.replace("{percent}", percent));
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  /* indeterminate while the server converts */
      say(form.dataset.converting);
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignore) { data = null; }
      if (data && data.redirect) { window.location.assign(data.redirect); return; }
      finish();
      bar.value = 0;
      box.hidden = true;
      if (xhr.status === 413) { say(form.dataset.tooLarge, true); return; }
      if (data && data.errors && data.errors.length) { say(data.errors.join(" "), true); return; }
      if (data && data.message) { say(data.message, true); return; }
      say(form.dataset.failed, true);
    });
    xhr.addEventListener("error", function () { finish(); box.hidden = true; say(form.dataset.failed, true); });
    xhr.send(new FormData(form));
  });
}());
