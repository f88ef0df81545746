import "@mantine/core/styles.css";
import "@mantine/charts/styles.css";
import { type CSSVariablesResolver, MantineProvider, createTheme } from "@mantine/core";
import { StrictMode, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { setNonce } from "get-nonce";
import { BrowserRouter } from "react-router";

/** The nonce the gateway put into this response's policy, for the component library's style tags. */
function styleNonce(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce || meta?.content || "";
}

/**
 * Secondary text one shade darker than the library's default gray 6 (3.3:1 on white), so that it
 * meets WCAG AA's 4.5:1 for text.
 */
const contrastVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-placeholder": "var(--mantine-color-gray-7)" },
  dark: {},
});

/** Filled buttons in blue 8: white on the default blue 6 is 3.5:1, under AA's 4.5:1. */
const theme = createTheme({ primaryShade: 8 });

/** Mounts an app at its base path with the component library's theme. */
export function mount(app: "console" | "privacy", content: ReactNode): void {
  // The dialogs' scroll lock (react-remove-scroll) writes its <style> tag with get-nonce's nonce.
  setNonce(styleNonce());
  const root = document.getElementById("root");
  if (!root) throw new Error("#root is missing");
  createRoot(root).render(
    <StrictMode>
      <MantineProvider getStyleNonce={styleNonce} theme={theme} defaultColorScheme="light" cssVariablesResolver={contrastVariables}>
        <BrowserRouter basename={`/${app}`}>{content}</BrowserRouter>
      </MantineProvider>
    </StrictMode>,
  );
}
