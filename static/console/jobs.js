/* 办成事: progress of background jobs shown above a list. Polls /jobs/<id> until the job is done. No inline scripts. */
(function ($) {
  "use strict";

  function paint($job, job) {
    var $bar = $job.find(".progress-bar");
    $bar.css("width", job.percent + "%").attr("aria-valuenow", job.percent).text(job.percent + "%");
    $bar.toggleClass("progress-bar-striped active", !job.finished);
    $bar.toggleClass("progress-bar-success", job.state === "done");
    $bar.toggleClass("progress-bar-danger", job.state === "failed");
    $job.attr("data-state", job.state);
    $job.find(".export-job-state").text(job.state_label);
    $job.find(".export-job-message").text(job.message || (job.total ? job.done + " / " + job.total : ""));
    if (job.download_url) {
      $job.find(".export-job-download").removeClass("hidden");
    }
  }

  function poll($job) {
    $.ajax({ url: $job.data("job-url"), dataType: "json", cache: false })
      .done(function (job) {
        paint($job, job);
        if (!job.finished) { window.setTimeout(function () { poll($job); }, 1000); }
      })
      .fail(function () { $job.find(".progress-bar").removeClass("active"); });
  }

  $(function () {
    $(".export-job").each(function () {
      var $job = $(this);
      var $bar = $job.find(".progress-bar");
      $bar.css("width", ($bar.attr("aria-valuenow") || 0) + "%");
      var state = $job.attr("data-state");
      if (state !== "done" && state !== "failed") { poll($job); }
    });
  });
})(jQuery);
