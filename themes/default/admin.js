/* admin.js: enhancements of the administration; every form works without it.
 * - The media upload form: a file dropped on it fills the file input and is sent; sending
 *   shows its progress, and a refusal's message appears on the form.
 * - Copy buttons copy the Markdown of an image; Insert buttons put it at the editor's cursor. */
(function () {
  "use strict";

  function showStatus(form, text, isError) {
    var status = form.querySelector(".upload-progress");
    if (!status) return;
    status.textContent = text;
    status.className = "upload-progress" + (isError ? " error" : "");
  }

  function send(form) {
    var input = form.querySelector("input[type=file]");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var file = input && input.files && input.files[0];
    if (file && max && file.size > max) {
      showStatus(form, "This file is " + Math.ceil(file.size / 1048576) +
        " MB; the site takes files up to " + Math.floor(max / 1048576) + " MB.", true);
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable)
        showStatus(form, "Uploading… " + Math.round(100 * e.loaded / e.total) + "%", false);
    };
    xhr.onload = function () {
      if (xhr.status === 200 && xhr.responseURL && xhr.responseURL.indexOf("/admin/media/") > 0) {
        window.location.href = xhr.responseURL; /* the new media's page (after the 303) */
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var error = page.querySelector("#upload-error, [role=alert]");
      showStatus(form, error ? error.textContent : "The upload failed (" + xhr.status + ").", true);
    };
    xhr.onerror = function () {
      showStatus(form, "The upload failed: the connection was lost.", true);
    };
    showStatus(form, "Uploading…", false);
    xhr.send(new FormData(form));
  }

  var form = document.querySelector(".upload-form");
  var zone = document.getElementById("drop-zone");
  if (form && zone && window.FormData && window.DataTransfer) {
    zone.querySelector(".drop-hint").hidden = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(form);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) {
        e.preventDefault();
        zone.classList.add("drag-over");
      });
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("drag-over");
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("drag-over");
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      var input = form.querySelector("input[type=file]");
      var files = new DataTransfer();
      files.items.add(e.dataTransfer.files[0]);
      input.files = files.files;
      if (form.reportValidity()) send(form);
    });
  }

  function copy(input, button) {
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else {
      input.select();
      if (document.execCommand("copy")) done();
    }
  }

  document.querySelectorAll(".copy-button").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () { copy(input, button); });
  });

  var body = document.getElementById("body");
  document.querySelectorAll(".insert-button").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-insert"));
    if (!input || !body) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var start = body.selectionStart, end = body.selectionEnd, text = body.value;
      var before = text.slice(0, start), after = text.slice(end);
      var insert = (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") +
        input.value + (after && !/^\n/.test(after) ? "\n\n" : "");
      body.value = before + insert + after;
      body.focus();
      body.selectionStart = body.selectionEnd = start + insert.length;
    });
  });
})();
