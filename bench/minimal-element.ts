// Baseline for `npm run bench`: a minimal Lit element that fetches one value
// and renders it, built by the widget's own Vite config.
import { LitElement, html } from "lit";

export class MinimalElement extends LitElement {
  static override properties = { value: { state: true } };
  declare value: string;

  constructor() {
    super();
    this.value = "";
  }

  override async connectedCallback() {
    super.connectedCallback();
    const response = await fetch(this.getAttribute("src") ?? "/status");
    this.value = JSON.stringify(await response.json());
  }

  override render() {
    return html`<p>${this.value}</p>`;
  }
}

if (!customElements.get("minimal-element")) customElements.define("minimal-element", MinimalElement);
