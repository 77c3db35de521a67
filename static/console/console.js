/* 办成事 console behaviour: AJAX selects, confirmed POSTs, bulk selection. No inline scripts. */
(function ($) {
  "use strict";

  function csrfToken() {
    return $('meta[name="csrf-token"]').attr("content") || "";
  }

  var texts = null;
  function t(key) {
    if (texts === null) {
      try { texts = JSON.parse($("#console-texts").text() || "{}"); } catch (err) { texts = {}; }
    }
    return texts[key] || key;
  }

  // Select2 writes its own words into the page (the clear button's title, "No results found"):
  // every select, FAB's included, takes them from #console-texts.
  if ($.fn.select2) {
    $.fn.select2.defaults.set("language", {
      noResults: function () { return t("noResults"); },
      searching: function () { return t("searching"); },
      loadingMore: function () { return t("loadingMore"); },
      errorLoading: function () { return t("errorLoading"); },
      removeAllItems: function () { return t("removeAllItems"); },
      inputTooShort: function () { return t("inputTooShort"); },
      inputTooLong: function () { return t("inputTooLong"); },
      maximumSelected: function () { return t("maximumSelected"); }
    });
  }

  function initAjaxSelect(elem) {
    var $el = $(elem);
    if ($el.data("select2")) { return; }
    var forSearch = $el.closest("#filter_form").length > 0;
    var $modal = $el.closest(".modal");
    $el.select2({
      theme: "bootstrap",
      width: "100%",
      // Inside a Bootstrap dialog the list must live in the dialog, or the dialog's focus trap takes the keyboard.
      dropdownParent: $modal.length ? $modal : $(document.body),
      allowClear: true,
      placeholder: $el.data("placeholder") || "",
      minimumInputLength: 0,
      ajax: {
        url: $el.data("url"),
        dataType: "json",
        delay: 250,
        data: function (params) {
          var data = { q: params.term || "", page: params.page || 1 };
          if (forSearch) { data["for"] = "search"; }
          return data;
        },
        processResults: function (data) { return data; }
      }
    });
  }

  function postTo(url, extra) {
    var $form = $("<form method='post' style='display:none'></form>").attr("action", url);
    $form.append($("<input type='hidden' name='csrf_token'>").val(csrfToken()));
    $.each(extra || {}, function (name, values) {
      $.each([].concat(values), function (_, value) {
        $form.append($("<input type='hidden'>").attr("name", name).val(value));
      });
    });
    $("body").append($form);
    $form.trigger("submit");
  }

  // 受理: when the chosen 事项 has a published guide card, suggest giving it to the applicant.
  function suggestGuideCard($hint, itemId) {
    $hint.empty().prop("hidden", true);
    if (!itemId) { return; }
    $.getJSON($hint.data("url"), { service_item: itemId }).done(function (data) {
      $.each(data.cards || [], function (_, card) {
        var line = $("<p></p>").text(card.message + " ");
        line.append($("<a target='_blank' rel='noopener'></a>").attr("href", card.print_url).text(t("printCard")));
        $hint.append(line);
      });
      $hint.prop("hidden", !(data.cards || []).length);
    });
  }

  // 受理: once the title, phone or ID number is filled in, name the cases of the last 30 days it may repeat.
  var DUPLICATE_FIELDS = ["title", "applicant_phone", "applicant_id_number", "credit_code", "received_at"];
  function suggestDuplicates($hint) {
    var query = {};
    $.each(DUPLICATE_FIELDS, function (_, name) { query[name] = $("[name='" + name + "']").val() || ""; });
    $.getJSON($hint.data("url"), query).done(function (data) {
      $hint.empty();
      var found = data.cases || [];
      if (found.length) {
        $hint.append($("<p></p>").text(data.heading));
        var $list = $("<ul></ul>");
        $.each(found, function (_, c) {
          var $item = $("<li></li>");
          $item.append($("<a target='_blank' rel='noopener'></a>").attr("href", c.url).text(c.number));
          $item.append(document.createTextNode(" " + c.title + "（" + c.received_at + "，" + c.status + "）：" +
            c.reasons.join("、")));
          $list.append($item);
        });
        $hint.append($list);
      }
      $hint.prop("hidden", !found.length);
    });
  }

  $(function () {
    $(".console-ajax-select").each(function () { initAjaxSelect(this); });

    var $duplicates = $("#duplicate-hint");
    if ($duplicates.length) {
      $.each(DUPLICATE_FIELDS, function (_, name) {
        $("[name='" + name + "']").on("change", function () { suggestDuplicates($duplicates); });
      });
    }

    var $hint = $("#guide-card-hint");
    if ($hint.length) {
      var $item = $("select[name='service_item']");
      $item.on("change", function () { suggestGuideCard($hint, $(this).val()); });
      suggestGuideCard($hint, $item.val());
    }
    $(document).on("click", "[data-print]", function () { window.print(); });

    // FAB builds its plain selects (roles …) with the placeholder "Select a State": build them again.
    $(".my_select2").each(function () {
      var $el = $(this);
      if ($el.data("select2")) { $el.select2("destroy"); }
      $el.select2({ placeholder: t("choose"), allowClear: true, theme: "bootstrap" });
    });

    // Confirmed POST (delete): FAB's confirmation modal, then a CSRF-protected POST.
    var pendingUrl = null;
    $(document).on("click", ".confirm-post", function () {
      pendingUrl = $(this).data("url");
      $("#modal-confirm .modal-text").text($(this).data("text"));
      $("#modal-confirm").modal("show");
    });
    $(document).on("click", "#modal-confirm-ok", function (e) {
      if (pendingUrl) {
        e.preventDefault();
        postTo(pendingUrl);
        pendingUrl = null;
      }
    });

    // Personal data: reveal on click (the server audits it).
    $(document).on("click", ".reveal-pi", function () {
      var $button = $(this);
      var url = window.location.pathname.replace(/\/show\/(\d+).*$/, "/reveal/$1/") + $button.data("field");
      $.ajax({ url: url, method: "POST", headers: { "X-CSRFToken": csrfToken() } }).done(function (data) {
        $button.siblings(".pi-value[data-field='" + $button.data("field") + "']").text(data.value);
        $button.remove();
      });
    });

    // Bulk selection.
    $(document).on("click", ".action_check_all", function () {
      $(".action_check").prop("checked", this.checked).trigger("change");
    });
    $(document).on("change", ".action_check", function () {
      $(this).closest("tr").toggleClass("success", this.checked);
    });
    $(document).on("click", ".bulk-action", function (e) {
      e.preventDefault();
      var checked = $(".action_check:checked");
      var ids = checked.map(function () { return this.value; }).get();
      if (!ids.length) {
        $("#modal-alert .modal-text").text(t("noRowSelected"));
        $("#modal-alert").modal("show");
        return;
      }
      // The version of each row as the user saw it: a row changed since is refused, not overwritten.
      var fields = { rowid: ids };
      checked.each(function () {
        if ($(this).data("version") !== undefined) { fields["version_" + this.value] = $(this).data("version"); }
      });
      postTo($(this).data("url"), fields);
    });
  });
})(jQuery);
