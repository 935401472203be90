// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 401 || status === 403) {
    window.location.reload();
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-page]")) {
    window.print();
  }
});
