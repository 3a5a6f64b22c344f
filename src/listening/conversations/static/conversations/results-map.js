/* The explorable opinion map of the results page (progressive enhancement).
 *
 * Without JavaScript the group letters are links to the groups' sections and every statement
 * card shows its bars. With it: selecting a group (pointer, Enter or Space; arrow keys move
 * between groups) highlights it and shows only its section; "Show on the map" under a
 * statement draws where those who agreed and disagreed sit, as counts per cell of a grid
 * (cells below the minimum group size are never sent), never as one dot per person.
 */
(function () {
  "use strict";
  var dataNode = document.getElementById("map-data");
  var svg = document.getElementById("opinion-map");
  if (!dataNode || !svg) {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var status = document.querySelector(".map-status");
  var sections = document.querySelector(".group-sections");
  var overlay = svg.querySelector(".map-overlay");
  var links = Array.prototype.slice.call(svg.querySelectorAll(".group-link"));
  var selected = null;
  var shown = null;
  var help = document.querySelector(".map-help");
  if (help) {
    help.hidden = false; // it speaks of what only the script does
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function selectGroup(link) {
    var id = link.getAttribute("data-group");
    selected = selected === id ? null : id;
    links.forEach(function (other) {
      other.setAttribute("aria-pressed", String(other.getAttribute("data-group") === selected));
    });
    svg.querySelectorAll(".hull").forEach(function (hull) {
      hull.classList.toggle("selected", hull.getAttribute("data-group") === selected);
    });
    if (sections) {
      sections.classList.toggle("js-selecting", selected !== null);
      sections.querySelectorAll(".group-panel").forEach(function (panel) {
        panel.hidden = selected !== null && panel.getAttribute("data-group") !== selected;
      });
    }
    if (selected !== null) {
      var label = link.querySelector("text").textContent;
      say(fill(data.messages.group, { label: label }));
    } else {
      say("");
    }
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      selectGroup(link);
    });
    link.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectGroup(link);
      } else if (step) {
        event.preventDefault();
        links[(index + step + links.length) % links.length].focus();
      }
    });
  });

  function clearCells() {
    while (overlay.firstChild) {
      overlay.removeChild(overlay.firstChild);
    }
  }

  function drawCells(answer) {
    clearCells();
    var nx = answer.grid[0];
    var ny = answer.grid[1];
    if (!nx || !ny) {
      return;
    }
    var g = data.grid;
    var cw = g.width / nx;
    var ch = g.height / ny;
    var all = answer.cells.agree.concat(answer.cells.disagree);
    var top = Math.max.apply(null, all.map(function (c) { return c[2]; }).concat([1]));
    [["agree", "#0072B2", 0], ["disagree", "url(#hatch-disagree)", 1]].forEach(function (kind) {
      answer.cells[kind[0]].forEach(function (cell) {
        var rect = document.createElementNS(NS, "rect");
        rect.setAttribute("x", String(g.x + cell[0] * cw + kind[2] * cw / 2));
        rect.setAttribute("y", String(g.y + g.height - (cell[1] + 1) * ch));
        rect.setAttribute("width", String(cw / 2));
        rect.setAttribute("height", String(ch));
        rect.setAttribute("fill", kind[1]);
        rect.setAttribute("fill-opacity", String(0.35 + 0.6 * cell[2] / top));
        rect.setAttribute("class", "cell cell-" + kind[0]);
        rect.setAttribute("data-count", String(cell[2]));
        overlay.appendChild(rect);
      });
    });
  }

  document.querySelectorAll(".show-on-map").forEach(function (button) {
    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var sid = button.getAttribute("data-statement");
      document.querySelectorAll(".show-on-map").forEach(function (other) {
        other.setAttribute("aria-pressed", "false");
      });
      if (shown === sid) {
        shown = null;
        clearCells();
        say("");
        return;
      }
      shown = sid;
      button.setAttribute("aria-pressed", "true");
      var url = data.cells.replace("/statements/0/", "/statements/" + encodeURIComponent(sid) + "/");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          if (shown !== sid) {
            return;
          }
          drawCells(answer);
          say(fill(data.messages.cells, {
            agree: answer.agree, disagree: answer.disagree, minimum: answer.minimum
          }));
          svg.scrollIntoView({ block: "nearest" });
        })
        .catch(function () {
          say(data.messages.failed);
        });
    });
  });
})();
