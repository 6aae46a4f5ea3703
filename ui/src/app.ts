// The app's controller: it listens to the shell's events, keeps the little
// state the screens share, and swaps one screen at a time into <main>.
//
// Nothing here signs by itself. A link arriving only shows the parsed request
// with a Start button, and only the review screen's Sign button sends a
// decision to sign.

import { h } from "./dom";
import type { Environment } from "./env";
import {
  modeDescription,
  modeLabel,
  STEPS_AFTER_DECISION,
  STEPS_BEFORE_REVIEW,
  unsavedCopyMessage,
} from "./format";
import { toFlowError } from "./ipc";
import { closeDialog } from "./screens/close";
import { doneScreen } from "./screens/done";
import { errorScreen } from "./screens/error";
import { esraScreen } from "./screens/esra";
import { homeScreen } from "./screens/home";
import { type Phase, type ProgressScreen, progressScreen } from "./screens/progress";
import { receiptsScreen } from "./screens/receipts";
import { requestScreen } from "./screens/request";
import { reviewScreen } from "./screens/review";
import { signInScreen } from "./screens/signin";
import { startupErrorScreen } from "./screens/startup";
import type { UnsavedActions } from "./screens/unsaved";
import type {
  AppState,
  CloseRequest,
  Decision,
  EsraPrompt,
  FlowError,
  Mode,
  ReceiptSummary,
  Review,
  SignDone,
  SignInPrompt,
  SigningRequestView,
  Step,
  UnsavedCopy,
} from "./types";

export type ScreenName =
  | "loading"
  | "home"
  | "request"
  | "sign_in"
  | "progress"
  | "review"
  | "esra"
  | "done"
  | "error"
  | "startup_error"
  | "receipts";

/** Number of receipts listed on the home screen. */
const RECENT_RECEIPTS = 5;

export class App {
  private readonly banner: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly main: HTMLElement;

  private state: AppState | null = null;
  private mode: Mode | null = null;
  private screenName: ScreenName = "loading";
  private screen: HTMLElement | null = null;
  private progress: ProgressScreen | null = null;

  /** The validated link of the current request; it only ever goes back to `start_signing`. */
  private link: string | null = null;
  private request: SigningRequestView | null = null;
  private review: Review | null = null;
  private flowRunning = false;
  private userCancelled = false;
  private signInRunning = false;
  /** The close confirmation while it is shown. */
  private closeConfirmation: HTMLDialogElement | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly env: Environment,
  ) {
    this.banner = h("header", { class: "mode-banner mode-unknown" });
    this.notice = h("div", { class: "notice", role: "status" });
    this.main = h("main", { id: "main", class: "main" });
    root.replaceChildren(this.banner, this.notice, this.main);
    this.renderBanner();
  }

  /** Subscribes to the shell's events, then loads the app state and shows the first screen. */
  async start(): Promise<void> {
    const { ipc } = this.env;
    await Promise.all([
      ipc.on("link://opened", ({ link }) => this.onLinkOpened(link)),
      ipc.on("flow://progress", ({ step }) => this.onProgress(step)),
      ipc.on("flow://sign-in", (prompt) => this.onSignIn(prompt)),
      ipc.on("flow://review", (review) => this.onReview(review)),
      ipc.on("flow://esra", (prompt) => this.onEsra(prompt)),
      ipc.on("flow://done", (done) => this.onDone(done)),
      ipc.on("flow://error", (error) => this.onFlowError(error)),
      ipc.on("app://close-requested", (request) => this.onCloseRequested(request)),
    ]);

    try {
      this.setState(await ipc.appState());
    } catch (reason) {
      this.showError(toFlowError(reason));
      return;
    }
    if (this.state?.startup_error) {
      this.showStartupError();
      return;
    }
    const pending = this.state?.pending_link ?? null;
    if (pending !== null) {
      await this.openLink(pending);
    } else {
      this.showHome();
    }
  }

  get currentScreen(): ScreenName {
    return this.screenName;
  }

  // ---- events from the shell ----

  private onLinkOpened(link: string): void {
    if (this.flowRunning || this.signInRunning) {
      this.notify(
        "A new signing link arrived while another step is running. Finish or cancel it, then open the new link again.",
      );
      return;
    }
    void this.openLink(link);
  }

  private onProgress(step: Step): void {
    if (!this.flowRunning || step === "awaiting_decision" || step === "done") {
      return;
    }
    let phase: Phase;
    if (STEPS_BEFORE_REVIEW.includes(step)) {
      phase = "before_review";
    } else if (STEPS_AFTER_DECISION.includes(step)) {
      phase = "after_decision";
    } else {
      return;
    }
    if (this.screenName === "sign_in" && step === "signing_in") {
      return;
    }
    if (this.screenName === "progress" && this.progress?.phase === phase) {
      this.progress.show(step);
      return;
    }
    this.showProgress(phase, step);
  }

  private onSignIn(prompt: SignInPrompt): void {
    this.show(
      "sign_in",
      signInScreen(this.env, prompt, { cancel: () => this.cancel() }),
    );
  }

  private onReview(review: Review): void {
    this.review = review;
    this.setMode(review.mode);
    this.show(
      "review",
      reviewScreen(this.env, review, { decide: (decision) => this.decide(decision) }),
    );
  }

  private onEsra(prompt: EsraPrompt): void {
    this.show(
      "esra",
      esraScreen(this.env, prompt, {
        answer: (answer) => this.env.ipc.submitEsra(answer),
      }),
    );
  }

  private onDone(done: SignDone): void {
    this.flowRunning = false;
    this.showDone(done);
  }

  private onFlowError(error: FlowError): void {
    // While the engine is not running, the shell sends only its startup error,
    // when a link arrives that cannot be opened.
    const startup = this.state?.startup_error ?? null;
    if (this.state !== null && startup !== null) {
      this.setState({ ...this.state, startup_error: { ...startup, link_not_opened: true } });
      this.showStartupError();
      return;
    }
    // The shell also reports a rejected incoming link (from a second launch)
    // as flow://error with code link_invalid; that must not end a running flow.
    if ((this.flowRunning || this.signInRunning) && error.code === "link_invalid") {
      this.notify(`A signing link that arrived was rejected: ${error.message}`);
      return;
    }
    this.flowRunning = false;
    if (error.code === "cancelled" && this.userCancelled) {
      this.userCancelled = false;
      // NOTE: the shell's cancel_flow frees its flow slot but cannot abort a
      // sign_in command, which settles later; until then it is not waited for.
      this.signInRunning = false;
      if (this.screenName !== "home") {
        this.showHome();
      }
      this.notify("Cancelled. Nothing was signed.");
      return;
    }
    this.showError(error);
  }

  // ---- actions ----

  private async openLink(link: string): Promise<void> {
    try {
      this.showRequest(link, await this.env.ipc.parseLink(link));
    } catch (reason) {
      this.link = null;
      this.request = null;
      this.showError(toFlowError(reason));
    }
  }

  private startFlow(): void {
    const link = this.link;
    if (link === null || this.flowRunning) {
      return;
    }
    this.flowRunning = true;
    this.userCancelled = false;
    this.review = null;
    this.showProgress("before_review", this.state?.user ? "fetching_document" : "signing_in");
    this.env.ipc.startSigning(link).catch((reason) => {
      this.flowRunning = false;
      this.showError(toFlowError(reason));
    });
  }

  private async decide(decision: Decision): Promise<void> {
    // The flow may report `cancelled` before this command returns, so the
    // flag is set first for onFlowError to recognise the human's own cancel.
    const cancelling = decision.kind === "cancel";
    if (cancelling) {
      this.userCancelled = true;
    }
    try {
      await this.env.ipc.submitDecision(decision);
    } catch (reason) {
      if (cancelling) {
        this.userCancelled = false;
      }
      throw toFlowError(reason);
    }
    if (cancelling) {
      this.flowRunning = false;
      this.showHome();
      this.notify("Cancelled. Nothing was signed.");
      return;
    }
    // Progress events may already have replaced the review screen.
    if (this.screenName === "review") {
      this.showProgress("after_decision", "checking_freshness");
    }
  }

  private cancel(): void {
    this.userCancelled = true;
    this.env.ipc.cancelFlow().catch((reason) => {
      // The shell refuses (`cannot_cancel`) once a signature may already be
      // recorded; the flow then runs on, so the current screen stays.
      this.userCancelled = false;
      this.notify(toFlowError(reason).message);
    });
  }

  private signIn(): void {
    if (this.signInRunning || this.flowRunning) {
      return;
    }
    this.signInRunning = true;
    this.userCancelled = false;
    this.env.ipc.signIn().then(
      (user) => {
        this.signInRunning = false;
        if (this.state) {
          this.setState({ ...this.state, user });
        }
        // A cancelled sign-in can settle after the human started a flow; the
        // flow's screens then stay.
        if (!this.flowRunning) {
          this.showHome();
          this.notify(`Signed in as ${user.name}.`);
        }
      },
      (reason) => {
        this.signInRunning = false;
        const error = toFlowError(reason);
        if (this.flowRunning) {
          return;
        }
        if (error.code === "cancelled") {
          this.userCancelled = false;
          if (this.screenName !== "home") {
            this.showHome();
          }
          this.notify("Sign-in cancelled.");
        } else {
          this.showError(error);
        }
      },
    );
  }

  private signOut(): void {
    this.env.ipc.signOut().then(
      () => {
        if (this.state) {
          this.setState({ ...this.state, user: null });
        }
        this.showHome();
        this.notify("Signed out.");
      },
      (reason) => this.showError(toFlowError(reason)),
    );
  }

  private openReceipt(receipt: ReceiptSummary): void {
    let form: "html" | "pdf" | "json" = "json";
    if (receipt.files.html !== null) {
      form = "html";
    } else if (receipt.files.pdf !== null) {
      form = "pdf";
    }
    this.env.ipc.openReceipt(receipt.receipt_id, form).catch((reason) => {
      this.notify(toFlowError(reason).message);
    });
  }

  private async refreshState(): Promise<void> {
    try {
      this.setState(await this.env.ipc.appState());
    } catch {
      // The banner keeps the last known mode; the next screen change retries.
    }
  }

  // ---- unsaved receipts ----

  /**
   * Shows the close confirmation over the current screen. A second request
   * while it is open replaces it with the shell's current list. Dismissing it
   * returns the focus to where it was.
   */
  private onCloseRequested(request: CloseRequest): void {
    const active = document.activeElement;
    const previous =
      active instanceof HTMLElement && !this.closeConfirmation?.contains(active) ? active : null;
    this.closeConfirmation?.remove();
    const dialog = closeDialog(this.env, request.unsaved_receipts, {
      keepOpen: () => {
        this.closeConfirmation = null;
        if (previous?.isConnected) {
          previous.focus();
        }
      },
      released: () => {
        void this.refreshState().then(() => {
          if (this.screenName === "home") {
            this.showHome();
          }
        });
      },
    });
    this.closeConfirmation = dialog.element;
    this.root.append(dialog.element);
    dialog.open();
  }

  /**
   * Returns what the recovery controls do on success. The shell keeps the
   * receipts, so leaving a screen loses nothing. The state is reloaded for the
   * home screen's warning.
   */
  private unsavedActions(): UnsavedActions {
    return {
      saved: (done: SignDone) => {
        this.showDone(done);
        this.notify("The receipt is saved in the receipts library.");
      },
      copied: (copy: UnsavedCopy) => {
        void this.refreshState().then(() => {
          // The done screen shows the message itself; home is redrawn
          // without the receipt, so the message moves to the notice line.
          if (this.screenName === "home") {
            this.showHome();
            this.notify(unsavedCopyMessage(copy.receipt_id, copy.path));
          }
        });
      },
    };
  }

  // ---- screens ----

  private showDone(done: SignDone): void {
    this.show(
      "done",
      doneScreen(this.env, done, {
        home: () => this.showHome(),
        receipts: () => this.showReceipts(),
        ...this.unsavedActions(),
      }),
    );
    void this.refreshState();
  }

  private showHome(): void {
    if (this.state?.startup_error) {
      this.showStartupError();
      return;
    }
    if (this.state === null) {
      // The first app_state call failed, so try again before showing home.
      void this.reloadHome();
      return;
    }
    const state = this.state;
    const actions = {
      signIn: () => this.signIn(),
      signOut: () => this.signOut(),
      checkLink: (link: string) => this.checkLink(link),
      receipts: () => this.showReceipts(),
      openReceipt: (receipt: ReceiptSummary) => this.openReceipt(receipt),
      ...this.unsavedActions(),
    };
    const home = homeScreen(this.env, state, actions);
    this.show("home", home.element);
    this.env.ipc.listReceipts({}).then(
      (list) => {
        const recent = [...list.entries]
          .sort((left, right) => right.local_signed_at.localeCompare(left.local_signed_at))
          .slice(0, RECENT_RECEIPTS);
        home.showRecent(recent);
      },
      (reason) => home.showRecent(toFlowError(reason)),
    );
  }

  private async reloadHome(): Promise<void> {
    try {
      this.setState(await this.env.ipc.appState());
    } catch (reason) {
      this.showError(toFlowError(reason));
      return;
    }
    this.showHome();
  }

  private async checkLink(link: string): Promise<void> {
    if (this.flowRunning) {
      throw { code: "flow_busy", message: "A signing is already in progress; finish or cancel it first." };
    }
    const request = await this.env.ipc.parseLink(link).catch((reason) => {
      throw toFlowError(reason);
    });
    this.showRequest(link, request);
  }

  /** Shows a request the engine's parser accepted; only then is its link kept. */
  private showRequest(link: string, request: SigningRequestView): void {
    this.link = link;
    this.request = request;
    this.review = null;
    this.show(
      "request",
      requestScreen(request, { start: () => this.startFlow(), home: () => this.showHome() }),
    );
  }

  private showReceipts(): void {
    this.show("receipts", receiptsScreen(this.env, { home: () => this.showHome() }));
  }

  private showProgress(phase: Phase, step: Step): void {
    const onCancel = phase === "before_review" ? () => this.cancel() : null;
    const progress = progressScreen(phase, step, onCancel);
    this.show("progress", progress.element);
    this.progress = progress;
  }

  private showError(error: FlowError): void {
    const user = this.review?.signed_in_user ?? this.state?.user ?? null;
    this.show(
      "error",
      errorScreen(
        this.env,
        error,
        {
          user,
          stakeholder: this.review?.stakeholder ?? null,
          stakeholderId: this.request?.stakeholder_id ?? null,
          canRetry: this.link !== null && !this.flowRunning,
        },
        {
          home: () => this.showHome(),
          retry: () => this.startFlow(),
          receipts: () => this.showReceipts(),
          signOut: () => this.signOut(),
        },
      ),
    );
  }

  /** Shows the engine's startup error, the only screen until the app is restarted. */
  private showStartupError(): void {
    const startup = this.state?.startup_error;
    if (startup) {
      this.show("startup_error", startupErrorScreen(startup));
    }
  }

  private show(name: ScreenName, element: HTMLElement): void {
    this.screen?.dispatchEvent(new Event("screen:leave"));
    this.progress = null;
    this.notice.textContent = "";
    this.screenName = name;
    this.screen = element;
    this.main.replaceChildren(element);
    this.root.dataset.screen = name;

    const heading = element.querySelector<HTMLElement>("h1");
    document.title = heading?.textContent ? `${heading.textContent} – Matter Signer` : "Matter Signer";
    window.scrollTo(0, 0);
    // Focus moves to the new screen's heading so keyboard and screen-reader
    // users start reading at its top.
    heading?.focus();
  }

  private notify(text: string): void {
    this.notice.textContent = text;
  }

  // ---- mode banner ----

  private setState(state: AppState): void {
    this.state = state;
    this.setMode(state.mode);
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.renderBanner();
  }

  private renderBanner(): void {
    const mode = this.mode;
    this.banner.className = `mode-banner mode-${mode ?? "unknown"}`;
    if (mode === null) {
      this.banner.replaceChildren(h("span", { class: "banner-text" }, "Matter Signer: loading…"));
      return;
    }
    if (this.state?.startup_error) {
      // The engine did not start, so no mode is in force.
      this.banner.className = "mode-banner mode-unknown";
      this.banner.replaceChildren(
        h("span", { class: "banner-text" }, "Matter Signer: not running, see below"),
        h("span", { class: "banner-version" }, `Matter Signer ${this.state.version}`),
      );
      return;
    }
    const sandbox = this.state?.sandbox ?? false;
    this.banner.replaceChildren(
      h("strong", { class: "mode-badge" }, `${modeLabel(mode)} MODE`),
      h("span", { class: "banner-text" }, modeDescription(mode, sandbox)),
      this.state ? h("span", { class: "banner-version" }, `Matter Signer ${this.state.version}`) : "",
    );
  }
}
