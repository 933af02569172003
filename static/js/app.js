// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Narrow tables become stacked rows (app.css): each cell shows its column's name.
  // A column whose name is only for screen readers (an action link) gets none.
  document.querySelectorAll(".table-wrapper > table").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      var copy = th.cloneNode(true);
      copy.querySelectorAll(".visually-hidden").forEach(function (hidden) { hidden.remove(); });
      return copy.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (cell.tagName === "TD" && names[index]) {
          cell.setAttribute("data-label", names[index]);
        }
      });
    });
  });
  // The skip link moves focus to <main> without putting "#main-content" into the
  // address: a fragment there would travel into form actions and redirects, and a
  // page loaded with a fragment neither autofocuses the error summary nor keeps focus
  // on it (the browser focuses the fragment's target instead).
  document.querySelectorAll("a.skip-link").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
      }
    });
  });
  // Focus the error summary for browsers that ignore autofocus on a div, and again
  // after the browser has handled a fragment in the address, unless the person has
  // already moved on.
  var summary = document.getElementById("error-summary");
  function focusSummary() {
    var active = document.activeElement;
    if (summary && active !== summary && (!active || active === document.body || active.tagName === "MAIN")) {
      summary.focus();
    }
  }
  focusSummary();
  // Error-summary links focus their input and bring its label (or the group's
  // legend) into view, without a fragment in the address (as govuk-frontend does).
  if (summary) {
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
      link.addEventListener("click", function (event) {
        var input = document.getElementById(link.getAttribute("href").slice(1));
        if (!input) {
          return;
        }
        event.preventDefault();
        var fieldset = input.closest("fieldset");
        var legend = fieldset && fieldset.querySelector("legend");
        var label = document.querySelector('label[for="' + input.id + '"]');
        var heading = (input.type === "radio" || input.type === "checkbox") && legend ? legend : label || legend;
        (heading || input).scrollIntoView();
        input.focus({ preventScroll: true });
      });
    });
  }
  window.addEventListener("load", function () {
    window.requestAnimationFrame(focusSummary);
  });
  // "Visa lösenord": toggle password fields marked with data-show-password.
  document.querySelectorAll("[data-show-password]").forEach(function (checkbox) {
    checkbox.addEventListener("change", function () {
      checkbox.form.querySelectorAll("input[data-password]").forEach(function (input) {
        input.type = checkbox.checked ? "text" : "password";
      });
    });
  });
  // "Skriv ut" on the recovery codes page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  sessionTimeoutWarning(document.body);
});

// WCAG 2.2.1 Timing Adjustable: warn before the idle timeout, with one button that
// extends the session (a POST to the keep-alive address). <body> carries
// data-session-timeout (seconds without a request until the session ends),
// data-session-warning (seconds of warning), data-keep-alive-url, data-login-url
// and data-csrf-token (core/templatetags/session_timeout.py).
function sessionTimeoutWarning(body) {
  var timeout = Number(body.dataset.sessionTimeout);
  var template = document.getElementById("session-timeout-template");
  if (!(timeout > 0) || !body.dataset.keepAliveUrl || !template || !window.fetch) {
    return;
  }
  var warning = Math.min(Number(body.dataset.sessionWarning) || 120, timeout / 2);
  var dialog = null;
  var returnFocus = null;
  var timers = [];

  function part(selector) {
    return dialog.querySelector(selector);
  }

  function build() {
    dialog = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(dialog);
    part("[data-session-login]").href = body.dataset.loginUrl || "/";
    part("[data-session-continue]").addEventListener("click", extend);
    // Escape closes a modal dialog: take it as "I am still here".
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      if (!part('[data-session-state="warning"]').hidden) {
        extend();
      }
    });
  }

  function open(state) {
    if (!dialog) {
      build();
    }
    var ended = state === "ended";
    part('[data-session-state="warning"]').hidden = ended;
    part('[data-session-state="ended"]').hidden = !ended;
    dialog.setAttribute("aria-labelledby", ended ? "session-dialog-ended-title" : "session-dialog-title");
    dialog.setAttribute("aria-describedby", ended ? "session-dialog-ended-text" : "session-dialog-text");
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    part(ended ? "[data-session-login]" : "[data-session-continue]").focus();
  }

  function close() {
    if (dialog && dialog.open) {
      dialog.close();
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
    }
  }

  function schedule() {
    timers.forEach(clearTimeout);
    var deadline = new Date(Date.now() + timeout * 1000);
    timers = [
      setTimeout(function () {
        if (!dialog) {
          build();
        }
        part("[data-session-deadline]").textContent = deadline.toLocaleTimeString("sv-SE", {
          hour: "2-digit",
          minute: "2-digit",
        });
        open("warning");
      }, (timeout - warning) * 1000),
      setTimeout(function () {
        open("ended");
      }, timeout * 1000),
    ];
  }

  function extend() {
    var button = part("[data-session-continue]");
    button.disabled = true;
    fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": body.dataset.csrfToken || "" },
    })
      .then(function (response) {
        if (response.status === 204) {
          close();
          schedule();
        } else {
          timers.forEach(clearTimeout);
          open("ended");
        }
      })
      .catch(function () {
        // No answer (the network): keep the warning; the button can be pressed again.
      })
      .then(function () {
        button.disabled = false;
      });
  }

  schedule();
}
