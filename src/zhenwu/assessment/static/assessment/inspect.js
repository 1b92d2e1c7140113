// Inspection on a phone: the GPS position on request, and each photo's capture time (as the H5 does).
(function () {
  "use strict";
  var form = document.getElementById("finding-form");
  if (!form) return;
  var button = document.getElementById("zw-locate");
  var status = document.getElementById("zw-locate-status");
  if (button) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = "此浏览器不支持定位，请在“地点”中写明位置。"; return; }
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=long]").value = pos.coords.longitude.toFixed(6);
        status.textContent = "已记录位置（" + pos.coords.latitude.toFixed(4) + ", " + pos.coords.longitude.toFixed(4) + "）";
      }, function () { status.textContent = "无法获取位置，请在“地点”中写明位置。"; }, { timeout: 10000 });
    });
  }
  var photos = form.querySelector("input[type=file][name=photos]");
  var times = form.querySelector("[name=photo_times]");
  if (photos && times) {
    photos.addEventListener("change", function () {
      times.value = Array.prototype.map.call(photos.files, function (f) {
        return f.lastModified ? new Date(f.lastModified).toISOString() : "";
      }).join(",");
    });
  }
})();
