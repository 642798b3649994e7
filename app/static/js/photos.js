// Photos of the files step, made smaller in the browser before they are sent: a phone photo of 10 MB or more becomes
// a JPEG of at most 2,000 px on its long side (some hundreds of KB), and a progress bar shows the upload. Without
// JavaScript, or where a picture cannot be read here, the form sends the original and the server makes it smaller.
(function () {
  "use strict";
  var MAX_SIDE = 2000;
  var QUALITY = 0.85;
  var form = document.querySelector("form[data-photo-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.createImageBitmap) {
    return;
  }
  // Not form.action: the form's buttons are named "action", and form.action is the first of them.
  var url = form.getAttribute("action") || window.location.href.split("#")[0];
  var input = form.querySelector("input[type=file][name=photos]");
  var progress = document.querySelector("[data-upload-progress]");
  var status = document.querySelector("[data-upload-status]");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // A resized JPEG of `file`, or the file itself when it is small enough or cannot be decoded here.
  function resized(file) {
    if (!/^image\//.test(file.type)) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1024 * 1024) {
        return file;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(blob ? new File([blob], name, { type: "image/jpeg" }) : file);
        }, "image/jpeg", QUALITY);
      });
    }, function () {
      return file;
    });
  }

  // The server answers with a redirect (followed here: go there) or with the page and its errors (shown in place).
  function show(xhr) {
    var target = xhr.responseURL || window.location.href;
    if (target.split("#")[0] !== url) {
      window.location.assign(target);
      return;
    }
    var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = page.title;
    document.querySelector("main").replaceWith(page.querySelector("main"));
    window.scrollTo(0, 0);
  }

  function send(data) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable && progress) {
        progress.value = Math.round((100 * event.loaded) / event.total);
      }
    });
    xhr.addEventListener("load", function () {
      show(xhr);
    });
    xhr.addEventListener("error", function () {
      say(form.getAttribute("data-failed-text"));
      form.removeAttribute("aria-busy");
    });
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    var files = input ? Array.prototype.slice.call(input.files) : [];
    if (!files.length) {
      return; // nothing to make smaller: the form is sent as usual
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    form.setAttribute("aria-busy", "true");
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
    }
    say(form.getAttribute("data-preparing-text"));
    Promise.all(files.map(resized)).then(function (photos) {
      data.delete("photos");
      photos.forEach(function (photo) {
        data.append("photos", photo, photo.name);
      });
      say(form.getAttribute("data-sending-text"));
      send(data);
    });
  });
})();
