// Chart colours from the VS Code theme. VS Code puts the theme's colours on the page as CSS
// variables and marks the kind of theme with a body class; a theme switch changes both live.

export interface ThemeColors {
  /** Series colours: the theme's chart colours, then the same hues lighter. */
  readonly palette: readonly string[];
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly other: string;
  readonly highContrast: boolean;
}

const CHART_VARS = ['blue', 'orange', 'green', 'purple', 'yellow', 'red'] as const;
const FALLBACK: Readonly<Record<(typeof CHART_VARS)[number], string>> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
  yellow: '#cca700',
  red: '#f14c4c',
};

interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parses #rgb, #rrggbb, #rrggbbaa and rgb()/rgba(); undefined for anything else. */
export function parseColor(text: string): Rgba | undefined {
  const s = text.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(s);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) hex = [...hex].map((c) => c + c).join('');
    if (hex.length !== 6 && hex.length !== 8) return undefined;
    const n = (i: number): number => parseInt(hex.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: hex.length === 8 ? n(6) / 255 : 1 };
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(s);
  if (m) {
    const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: alpha };
  }
  return undefined;
}

/** The colour at `alpha` opacity (multiplied with its own). Unparseable colours pass through. */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  if (!c) return color;
  return `rgba(${c.r}, ${c.g}, ${c.b}, ${Math.round(c.a * alpha * 1000) / 1000})`;
}

/**
 * The colour fully opaque. Some themes give chart colours an alpha (Dark Modern's orange is
 * rgba(234, 92, 0, 0.33)); stacked translucent bars would blend into muddy, unreadable mixes.
 */
export function opaque(color: string): string {
  const c = parseColor(color);
  return c ? `rgb(${c.r}, ${c.g}, ${c.b})` : color;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  const base = CHART_VARS.map((v) => opaque(cssVar(style, `--vscode-charts-${v}`, FALLBACK[v])));
  const foreground = cssVar(style, '--vscode-foreground', '#cccccc');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    // High contrast themes get no faded variants: every series stays at full strength.
    palette: highContrast ? base : [...base, ...base.map((c) => withAlpha(c, 0.55))],
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', foreground),
    grid: withAlpha(cssVar(style, '--vscode-panel-border', cssVar(style, '--vscode-editorWidget-border', '#80808059')), highContrast ? 1 : 0.6),
    other: withAlpha(foreground, highContrast ? 0.8 : 0.35),
    highContrast,
  };
}

/**
 * Calls `listener` whenever the theme changes: VS Code swaps the body class (vscode-light,
 * vscode-dark, vscode-high-contrast…) and rewrites the colour variables on <html>.
 */
export function onThemeChange(listener: () => void): () => void {
  let pending = false;
  const fire = (): void => {
    if (pending) return;
    pending = true;
    // One update per change burst, after VS Code has written every variable.
    requestAnimationFrame(() => {
      pending = false;
      listener();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
