// Citizen H5: fill the WGS84 position from the phone's GPS when the person asks for it.
(function () {
  var button = document.getElementById("zw-locate");
  if (!button) return;
  var status = document.getElementById("zw-locate-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = "此浏览器不支持定位，请手动填写地点。"; return; }
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_long").value = pos.coords.longitude.toFixed(6);
      status.textContent = "已记录位置（" + pos.coords.latitude.toFixed(4) + ", " + pos.coords.longitude.toFixed(4) + "）";
    }, function () { status.textContent = "无法获取位置，请手动填写地点。"; }, { timeout: 10000 });
  });
})();
