/**
 * What the About panel reports about this browser/renderer: the browser engine and version,
 * WebGPU (present, adapter) and the WebGL renderer string. Every probe tolerates its API being
 * absent (jsdom, old browsers) and says so in words.
 */
export interface RendererFacts {
  browser: string;
  webgpu: string;
  webgl: string;
}

export function browserName(ua: string): string {
  const m = /(Electron|Chrome|Chromium|Firefox|Version)\/([\d.]+)/.exec(ua);
  if (!m) return ua || 'unknown';
  const name = m[1] === 'Version' ? 'Safari' : m[1];
  return `${name} ${m[2]}`;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string }; isFallbackAdapter?: boolean } | null>;
}

export async function probeRenderer(nav: Navigator = navigator, doc: Document = document): Promise<RendererFacts> {
  const gpu = (nav as unknown as { gpu?: GpuLike }).gpu;
  let webgpu = 'not available in this browser';
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) webgpu = 'present, but no adapter (no usable GPU)';
      else {
        const i = adapter.info ?? {};
        const name = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
        webgpu = `${name}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}`;
      }
    } catch (e) {
      webgpu = `adapter request failed: ${(e as Error).message}`;
    }
  }
  let webgl = 'not available';
  try {
    const c = doc.createElement('canvas');
    const gl = c.getContext?.('webgl2') ?? c.getContext?.('webgl');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      webgl = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    }
  } catch {
    webgl = 'not available';
  }
  return { browser: browserName(nav.userAgent), webgpu, webgl };
}
