/**
 * How a locale module adds itself to <ninjaone-settings>'s language registry, whichever of the two
 * loads first: `whenDefined` waits for the element, and elements already on the page re-render
 * when their language arrives (the registry's own doing). A locale module imports nothing else
 * at run time, so it works with the script-tag builds and the bundled package alike.
 */
import type { NinjaOneStringsOverride } from "../strings.js";

type Registry = { translations: Record<string, NinjaOneStringsOverride> };

export function register(lang: string, strings: NinjaOneStringsOverride): void {
  void customElements.whenDefined("ninjaone-settings").then(() => {
    (customElements.get("ninjaone-settings") as unknown as Registry).translations[lang] = strings;
  });
}
