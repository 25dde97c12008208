// On a phone the sub-navigation is one row that scrolls sideways: bring the current page's entry into view.
(function () {
  var current = document.querySelector(".sub-nav [aria-current='page']");
  if (!current) return;
  var list = current.closest("ul");
  if (list && list.scrollWidth > list.clientWidth) {
    list.scrollLeft = current.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
  }
})();
