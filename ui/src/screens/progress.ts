// Progress of the flow, as an ordered list of steps with the current one marked.

import { button, h } from "../dom";
import { STEP_LABELS, STEPS_AFTER_DECISION, STEPS_BEFORE_REVIEW } from "../format";
import type { Step } from "../types";
import { screenHeading } from "./common";

export type Phase = "before_review" | "after_decision";

export interface ProgressScreen {
  element: HTMLElement;
  phase: Phase;
  show(step: Step): void;
}

export function progressScreen(
  phase: Phase,
  initial: Step,
  onCancel: (() => void) | null,
): ProgressScreen {
  const steps = phase === "before_review" ? STEPS_BEFORE_REVIEW : STEPS_AFTER_DECISION;
  const items = new Map<Step, HTMLLIElement>();
  const list = h("ol", { class: "steps" });
  for (const step of steps) {
    const item = h("li", { class: "step" }, STEP_LABELS[step]);
    items.set(step, item);
    list.appendChild(item);
  }
  const status = h("p", { class: "current-step", role: "status" });
  const spinner = h("div", { class: "spinner", "aria-hidden": "true" });

  function show(step: Step): void {
    const index = steps.indexOf(step);
    steps.forEach((candidate, position) => {
      const item = items.get(candidate);
      if (!item) {
        return;
      }
      item.classList.toggle("step-done", index >= 0 && position < index);
      item.classList.toggle("step-current", position === index);
      if (position === index) {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
    });
    status.textContent = `${STEP_LABELS[step]}…`;
  }

  show(initial);
  const element = h(
    "section",
    { class: "screen screen-progress", "aria-busy": "true" },
    screenHeading(phase === "before_review" ? "Preparing the document" : "Signing"),
    spinner,
    status,
    list,
    phase === "after_decision"
      ? h("p", { class: "note" }, "Keep this window open until the receipt is saved.")
      : null,
    onCancel ? h("div", { class: "actions" }, cancelButton(onCancel)) : null,
  );
  return { element, phase, show };
}

function cancelButton(onCancel: () => void): HTMLButtonElement {
  const control = button("Cancel", () => {
    control.disabled = true;
    onCancel();
  });
  return control;
}
