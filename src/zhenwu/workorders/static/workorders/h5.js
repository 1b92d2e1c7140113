// Citizen H5: fill the WGS84 position from the phone's GPS when the person asks for it. The button is
// added here (it needs JS); its status line is a polite live region so a screen reader announces it.
(function () {
  var address = document.getElementById("id_address");
  if (!address || !navigator.geolocation) return;
  var row = document.createElement("div");
  row.className = "mt-2";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-outline-secondary";
  button.id = "zw-locate";
  button.textContent = "使用我的位置";
  var status = document.createElement("span");
  status.className = "small text-secondary ms-2";
  status.id = "zw-locate-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  row.append(button, status);
  address.after(row);
  button.addEventListener("click", function () {
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_long").value = pos.coords.longitude.toFixed(6);
      status.textContent = "已记录位置（" + pos.coords.latitude.toFixed(4) + ", " + pos.coords.longitude.toFixed(4) + "）";
    }, function () { status.textContent = "无法获取位置，请手动填写地点。"; }, { timeout: 10000 });
  });
})();
