/* A topic's sections, and the therapies of each section, put in order with buttons that a
 * keyboard reaches (Tab to one, Enter or Space to press it); the moved button keeps the focus,
 * and a screen reader hears where the row went.
 *
 * Without this script the form still works: a section's therapies are chosen in order in its
 * selects, and sections keep the order they are shown in. The server numbers them from the
 * hidden position this script keeps up to date (reviews/section_forms.py).
 */
"use strict";
{
    const SECTIONS = "fieldset.ordered-sections";

    function announce(text) {
        let status = document.getElementById("order-status");
        if (!status) {
            status = document.createElement("div");
            status.id = "order-status";
            status.className = "visually-hidden";
            status.setAttribute("role", "status");
            document.body.append(status);
        }
        status.textContent = text;
    }

    function button(className, text) {
        const made = document.createElement("button");
        made.type = "button";
        made.className = "button " + className;
        made.textContent = text;
        return made;
    }

    // Up at the top and down at the bottom say so instead of doing nothing silently. They stay
    // focusable, so the focus never jumps away from a button that has just been pressed.
    function markEnds(rows, up, down) {
        rows.forEach((row, index) => {
            row.querySelector(up).setAttribute("aria-disabled", String(index === 0));
            row.querySelector(down).setAttribute("aria-disabled", String(index === rows.length - 1));
        });
    }

    // Move the row of the button pressed one place up (step -1) or down (step 1) among `rows`,
    // then renumber them; `noun` and `name` say in words where it went, counting only the rows
    // that `counts` (not an empty box to fill, nor a row marked for deletion).
    function move(pressed, step, { row, rows, renumber, name, noun, counts }) {
        const target = rows.indexOf(row) + step;
        if (target < 0 || target >= rows.length) {
            announce(`${name(row)} is already ${step < 0 ? "first" : "last"}.`);
            return;
        }
        if (step < 0) {
            rows[target].before(row);
        } else {
            rows[target].after(row);
        }
        pressed.focus();
        renumber();
        const order = rows.filter((other) => other !== row);
        order.splice(target, 0, row);
        const counted = order.filter(counts);
        const place = counted.indexOf(row) + 1;
        if (place) {
            announce(`${name(row)} is now ${noun} ${place} of ${counted.length}.`);
        } else {
            announce(`${name(row)} moved ${step < 0 ? "up" : "down"}.`);
        }
    }

    // --- The therapies of a section ------------------------------------------------------------

    const therapyRows = (widget) => [...widget.querySelectorAll(".therapies-in-order-row")];

    function numberTherapies(widget) {
        const rows = therapyRows(widget);
        rows.forEach((row, index) => {
            row.querySelector(".therapies-in-order-number").textContent = String(index + 1);
        });
        markEnds(rows, ".therapies-in-order-up", ".therapies-in-order-down");
    }

    function therapyName(row) {
        const select = row.querySelector("select");
        return select.value ? select.options[select.selectedIndex].text : "An empty choice";
    }

    const therapyChosen = (row) => row.querySelector("select").value !== "";

    function moveTherapy(pressed, step) {
        const widget = pressed.closest(".therapies-in-order");
        move(pressed, step, {
            row: pressed.closest(".therapies-in-order-row"),
            rows: therapyRows(widget),
            renumber: () => numberTherapies(widget),
            name: therapyName,
            noun: "therapy",
            counts: therapyChosen,
        });
    }

    function addTherapy(pressed) {
        const widget = pressed.closest(".therapies-in-order");
        const rows = therapyRows(widget);
        const last = rows[rows.length - 1];
        const row = last.cloneNode(true);
        const select = row.querySelector("select");
        select.querySelectorAll("option").forEach((option) => {
            option.selected = false;
            option.removeAttribute("selected");
        });
        select.value = "";
        // Ids end in the row's number: id_sections-0-presented_4.
        select.id = last.querySelector("select").id.replace(/_\d+$/, "_" + rows.length);
        row.querySelector("label").htmlFor = select.id;
        last.after(row);
        numberTherapies(widget);
        select.focus();
    }

    function setUpTherapies(widget) {
        widget.querySelectorAll("button[hidden]").forEach((hidden) => {
            hidden.hidden = false;
        });
        if (!widget.querySelector(".therapies-in-order-add")) {
            widget.append(button("therapies-in-order-add", "Add another therapy"));
        }
        numberTherapies(widget);
    }

    // --- The sections of a topic ---------------------------------------------------------------

    const sectionRows = (group) => [
        ...group.querySelectorAll(":scope > .inline-related:not(.empty-form)"),
    ];

    // The number Django gives a section's fields (sections-3-heading): fixed while the page is
    // open, whatever the order on screen.
    const formNumber = (row) => Number(row.id.split("-").pop());

    function positionOf(row) {
        const input = row.querySelector(":scope > fieldset input[name$='-position']");
        return input && input.value !== "" ? Number(input.value) : Infinity;
    }

    function numberSections(group) {
        const rows = sectionRows(group);
        rows.forEach((row, index) => {
            const input = row.querySelector(":scope > fieldset input[name$='-position']");
            if (input) {
                input.value = String(index);
            }
        });
        markEnds(rows, ".section-move-up", ".section-move-down");
    }

    function sectionName(row) {
        const heading = row.querySelector("input[name$='-heading']");
        const label = row.querySelector(":scope > h3 .inline_label");
        const text = (heading && heading.value.trim()) || label.firstChild.textContent.trim();
        return text.startsWith("#") ? "The new section" : `“${text}”`;
    }

    // A section saved before, or a new one with something in it; not one marked for deletion.
    function sectionKept(row) {
        const deleted = row.querySelector("input[name$='-DELETE']");
        if (deleted && deleted.checked) {
            return false;
        }
        const id = row.querySelector("input[name$='-id']");
        const fields = row.querySelectorAll("input[type='text'], textarea, select");
        return Boolean(id && id.value) || [...fields].some((field) => field.value.trim() !== "");
    }

    function moveSection(pressed, step) {
        const row = pressed.closest(".inline-related");
        const group = row.parentElement;
        move(pressed, step, {
            row,
            rows: sectionRows(group),
            renumber: () => numberSections(group),
            name: sectionName,
            noun: "section",
            counts: sectionKept,
        });
    }

    function addSectionButtons(row) {
        const heading = row.querySelector(":scope > h3");
        if (!heading || heading.querySelector(".section-order")) {
            return;
        }
        const buttons = document.createElement("span");
        buttons.className = "section-order";
        buttons.append(
            button("section-move-up", "Move section up"),
            " ",
            button("section-move-down", "Move section down"),
        );
        heading.append(buttons);
    }

    // The order on screen is the order of the hidden positions; after a form comes back with
    // an error, Django shows the sections in its own order, so they are put back.
    function showInOrder(group) {
        const template = group.querySelector(":scope > .empty-form");
        const rows = sectionRows(group);
        rows.sort((a, b) => positionOf(a) - positionOf(b) || formNumber(a) - formNumber(b));
        rows.forEach((row) => (template ? template.before(row) : group.append(row)));
    }

    function setUpSections(group) {
        group.querySelectorAll(":scope > .inline-related").forEach(addSectionButtons);
        showInOrder(group);
        markEnds(sectionRows(group), ".section-move-up", ".section-move-down");
    }

    // Removing a new section (its ×) makes Django number the remaining sections' fields in
    // the order they stand on the page. They are put in the order of their numbers first, so
    // each keeps its own, and back in the editor's order afterwards.
    document.addEventListener(
        "click",
        (event) => {
            const remove = event.target.closest(".inline-deletelink");
            const group = remove && remove.closest(SECTIONS);
            if (!group) {
                return;
            }
            const template = group.querySelector(":scope > .empty-form");
            const rows = sectionRows(group).sort((a, b) => formNumber(a) - formNumber(b));
            rows.forEach((row) => template.before(row));
            setTimeout(() => {
                showInOrder(group);
                numberSections(group);
            });
        },
        true,
    );

    document.addEventListener("click", (event) => {
        const pressed = event.target.closest("button");
        if (!pressed) {
            return;
        }
        const actions = {
            "therapies-in-order-up": () => moveTherapy(pressed, -1),
            "therapies-in-order-down": () => moveTherapy(pressed, 1),
            "therapies-in-order-add": () => addTherapy(pressed),
            "section-move-up": () => moveSection(pressed, -1),
            "section-move-down": () => moveSection(pressed, 1),
        };
        const action = Object.keys(actions).find((name) => pressed.classList.contains(name));
        if (action) {
            event.preventDefault();
            actions[action]();
        }
    });

    document.addEventListener("formset:added", (event) => {
        const group = event.target.closest(SECTIONS);
        if (group) {
            addSectionButtons(event.target);
            numberSections(group);
        }
        event.target.querySelectorAll(".therapies-in-order").forEach(setUpTherapies);
    });

    function setUp() {
        document.querySelectorAll(".therapies-in-order").forEach(setUpTherapies);
        document.querySelectorAll(SECTIONS).forEach(setUpSections);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUp);
    } else {
        setUp();
    }
}
