/* The case page (templates/console/case/show.html): a dialog refused by the server comes back open.
   The toolbar's dialogs and the 「更多」 menu are Bootstrap's own data attributes; nothing else is needed here. */
(function ($) {
  "use strict";
  $(function () {
    // The server marks the refused dialog shown (so it reads without a script); hand it to Bootstrap's modal,
    // which adds the backdrop, the focus trap and closing.
    $(".case-modal[data-reopen]").each(function () {
      $(this).removeClass("in case-modal-reopen").modal("show");
    });
  });
}(jQuery));
