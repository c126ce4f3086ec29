/**
 * The three.js side of the viewer, independent of Svelte: one InstancedMesh for atoms and one for
 * half-bonds (one draw call each), optional translucent overlay meshes for superposed frames,
 * highlight spheres and a measurement polyline for picked atoms, orbit controls, fit-to-view,
 * resize handling, picking, PNG export, and disposal of every GPU resource.
 * Renders on demand (after a change), not in a continuous loop.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { boundingSphere, writeAtoms, writeHalfBonds, writeSphere } from './instances';
import { pickSphere } from './picking';
import { BondLines, IMPOSTOR_MIN_ATOMS, ImpostorSpheres, impostorMaterial } from './impostors';

export interface SceneTopology {
  /** 0xRRGGBB per atom */
  colors: ArrayLike<number>;
  /** Drawn radius per atom, nm */
  radii: Float32Array;
  /** Flat bond list i0, j0, i1, j1, ... (0-based) */
  bonds: Uint32Array;
  bondRadius: number;
  showBonds: boolean;
}

const MAX_HIGHLIGHTS = 4;
const HIGHLIGHT_COLOR = 0xffb000;
const FOV = 35;

/** Fewer triangles per sphere as the instance count grows, to keep 10^4+ atoms interactive. */
function sphereDetail(instances: number): [number, number] {
  if (instances <= 2_000) return [24, 16];
  if (instances <= 20_000) return [14, 10];
  return [8, 6];
}

let softwareRasteriserCache: boolean | null = null;
/**
 * True when WebGL runs on a software rasteriser (SwiftShader, llvmpipe: virtual machines, remote
 * desktops, headless Chromium). There multisample antialiasing multiplies the fragment work: a
 * 10^4-atom frame took p95 114 ms per click with it and 67 ms without (test/e2e/latency.mjs), so
 * the viewer drops it there; hardware GPUs keep it (it costs them next to nothing).
 */
export function softwareRasteriser(): boolean {
  if (softwareRasteriserCache !== null) return softwareRasteriserCache;
  softwareRasteriserCache = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      softwareRasteriserCache = /swiftshader|llvmpipe|softpipe|software/i.test(name);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // No WebGL at all: the renderer below reports that itself.
  }
  return softwareRasteriserCache;
}

export class MoleculeScene {
  readonly renderer: THREE.WebGLRenderer;
  readonly canvas: HTMLCanvasElement;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(FOV, 1, 0.01, 100);
  private readonly controls: OrbitControls;
  private readonly resizeObserver: ResizeObserver;
  private readonly raycaster = new THREE.Raycaster();
  private readonly ndc = new THREE.Vector2();
  private readonly tmp = new THREE.Vector3();
  private readonly rayOrigin = new Float64Array(3);
  private readonly rayDir = new Float64Array(3);

  private topology: SceneTopology | null = null;
  private positions: Float32Array | null = null;
  private atomMesh: THREE.InstancedMesh | null = null;
  private bondMesh: THREE.InstancedMesh | null = null;
  private overlayAtoms: THREE.InstancedMesh | null = null;
  private overlayBonds: THREE.InstancedMesh | null = null;
  private overlayFrames = 0;
  private overlayColor: number | null = null;
  private readonly sphereGeometry: THREE.SphereGeometry;
  private readonly cylinderGeometry: THREE.CylinderGeometry;
  private readonly atomMaterial = new THREE.MeshPhongMaterial({ shininess: 60, specular: 0x333333 });
  private readonly overlayMaterial = new THREE.MeshPhongMaterial({ shininess: 30, specular: 0x111111, transparent: true, opacity: 0.3, depthWrite: false });
  private readonly highlightMesh: THREE.InstancedMesh;
  private readonly highlightMaterial = new THREE.MeshBasicMaterial({ color: HIGHLIGHT_COLOR, transparent: true, opacity: 0.45, depthWrite: false });
  private readonly lineMaterial = new THREE.LineBasicMaterial({ color: 0x1d4ed8, depthTest: false, transparent: true });
  private readonly line: THREE.Line;
  private readonly linePositions = new Float32Array(MAX_HIGHLIGHTS * 3);
  private highlighted: number[] = [];
  private frameRequested = 0;
  private disposed = false;
  private sphereSegments: [number, number] = [24, 16];
  private sphereGeo: THREE.SphereGeometry;
  // Large systems (impostors.ts): atoms as ray-cast sphere impostors, bonds as lines, one draw each.
  private readonly impostorAtoms = impostorMaterial();
  private readonly impostorOverlay = impostorMaterial({ transparent: true, opacity: 0.3 });
  private readonly bondLineMaterial = new THREE.LineBasicMaterial({ vertexColors: true });
  private readonly overlayLineMaterial = new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.3, depthWrite: false });
  private atomBatch: ImpostorSpheres | null = null;
  private bondLines: BondLines | null = null;
  private overlayBatch: ImpostorSpheres | null = null;
  private overlayLines: BondLines | null = null;

  /** Called after each render (e.g. to move HTML labels). */
  onRender: (() => void) | null = null;

  constructor(
    private readonly host: HTMLElement,
    background = '#ffffff',
  ) {
    this.renderer = new THREE.WebGLRenderer({ antialias: !softwareRasteriser(), alpha: false, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.setClearColor(new THREE.Color(background), 1);
    this.canvas = this.renderer.domElement;
    this.canvas.style.display = 'block';
    this.canvas.style.width = '100%';
    this.canvas.style.height = '100%';
    host.appendChild(this.canvas);

    this.scene.add(this.camera);
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.1));
    // A headlight that follows the camera, so the lit side always faces the viewer.
    const key = new THREE.DirectionalLight(0xffffff, 2.2);
    key.position.set(1, 1.5, 3);
    this.camera.add(key);

    this.sphereGeometry = this.sphereGeo = new THREE.SphereGeometry(1, 24, 16);
    this.cylinderGeometry = new THREE.CylinderGeometry(1, 1, 1, 12, 1, true);
    this.highlightMesh = new THREE.InstancedMesh(this.sphereGeometry, this.highlightMaterial, MAX_HIGHLIGHTS);
    this.highlightMesh.count = 0;
    this.highlightMesh.frustumCulled = false;
    this.highlightMesh.renderOrder = 2;
    this.scene.add(this.highlightMesh);
    const lineGeometry = new THREE.BufferGeometry();
    lineGeometry.setAttribute('position', new THREE.BufferAttribute(this.linePositions, 3));
    lineGeometry.setDrawRange(0, 0);
    this.line = new THREE.Line(lineGeometry, this.lineMaterial);
    this.line.frustumCulled = false;
    this.line.renderOrder = 3;
    this.scene.add(this.line);

    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', this.requestRender);

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
    this.resize();
  }

  /** The canvas colour behind the molecule (follows the app's theme). */
  setBackground(color: string): void {
    this.renderer.setClearColor(new THREE.Color(color), 1);
    this.requestRender();
  }

  /** Replaces atoms/bonds (colours, radii, bond list); positions follow with setPositions. */
  setTopology(topology: SceneTopology): void {
    this.topology = topology;
    this.highlighted = [];
    const n = topology.radii.length;
    const detail = sphereDetail(n);
    if (detail[0] !== this.sphereSegments[0]) {
      this.sphereSegments = detail;
      const old = this.sphereGeo;
      this.sphereGeo = new THREE.SphereGeometry(1, detail[0], detail[1]);
      if (old !== this.sphereGeometry) old.dispose();
    }
    this.removeMesh(this.atomMesh);
    this.removeMesh(this.bondMesh);
    this.removeBatch();
    this.atomMesh = this.bondMesh = null;
    const nb = topology.showBonds ? topology.bonds.length >> 1 : 0;
    if (n >= IMPOSTOR_MIN_ATOMS) {
      this.atomBatch = new ImpostorSpheres(n, topology.colors, this.impostorAtoms);
      this.scene.add(this.atomBatch.mesh);
      if (nb > 0) {
        this.bondLines = new BondLines(topology.bonds, topology.colors, n, 1, this.bondLineMaterial);
        this.scene.add(this.bondLines.lines);
      }
    } else {
      this.atomMesh = this.makeMesh(this.sphereGeo, this.atomMaterial, n, topology.colors, null);
      this.bondMesh = nb > 0 ? this.makeMesh(this.cylinderGeometry, this.atomMaterial, 2 * nb, topology.colors, topology.bonds) : null;
    }
    this.setOverlay(null, 0);
    this.updateHighlights();
  }

  /** Shows one frame (atoms x 3, nm). The array is referenced, not copied, until the next call. */
  setPositions(positions: Float32Array): void {
    const t = this.topology;
    if (!t) return;
    if (this.atomBatch) {
      this.positions = positions;
      this.atomBatch.write(positions, t.radii);
      this.bondLines?.write(positions);
      this.updateHighlights();
      this.requestRender();
      return;
    }
    if (!this.atomMesh) return;
    this.positions = positions;
    writeAtoms(this.atomMesh.instanceMatrix.array as Float32Array, positions, t.radii);
    this.atomMesh.instanceMatrix.needsUpdate = true;
    if (this.bondMesh) {
      writeHalfBonds(this.bondMesh.instanceMatrix.array as Float32Array, positions, t.bonds, t.bondRadius);
      this.bondMesh.instanceMatrix.needsUpdate = true;
    }
    this.updateHighlights();
    this.requestRender();
  }

  /**
   * Translucent copies of `frames` superposed configurations, packed one after another in
   * `packed` (frames x atoms x 3), in the atoms' colours or, with `color` (0xRRGGBB), all in one
   * colour (colour by source). null / 0 removes the overlay.
   */
  setOverlay(packed: Float32Array | null, frames: number, opacity = 0.3, color: number | null = null): void {
    const t = this.topology;
    if (!t || !packed || frames <= 0) {
      this.removeMesh(this.overlayAtoms);
      this.removeMesh(this.overlayBonds);
      this.removeOverlayBatch();
      this.overlayAtoms = this.overlayBonds = null;
      this.overlayFrames = 0;
      this.requestRender();
      return;
    }
    const n = t.radii.length;
    const nb = t.showBonds ? t.bonds.length >> 1 : 0;
    if (frames * n >= IMPOSTOR_MIN_ATOMS) {
      this.setOverlayBatch(packed, frames, opacity, color);
      return;
    }
    this.removeOverlayBatch();
    if (frames !== this.overlayFrames || !this.overlayAtoms || color !== this.overlayColor) {
      this.removeMesh(this.overlayAtoms);
      this.removeMesh(this.overlayBonds);
      const colors = new Float32Array(frames * n);
      const bonds = new Uint32Array(frames * nb * 2);
      for (let f = 0; f < frames; f++) {
        for (let i = 0; i < n; i++) colors[f * n + i] = color ?? t.colors[i];
        for (let b = 0; b < 2 * nb; b++) bonds[f * 2 * nb + b] = t.bonds[b] + f * n;
      }
      this.overlayAtoms = this.makeMesh(this.sphereGeo, this.overlayMaterial, frames * n, colors, null);
      this.overlayBonds = nb > 0 ? this.makeMesh(this.cylinderGeometry, this.overlayMaterial, frames * 2 * nb, colors, bonds) : null;
      this.overlayFrames = frames;
      this.overlayColor = color;
      this.overlayAtoms.renderOrder = 1;
      if (this.overlayBonds) this.overlayBonds.renderOrder = 1;
    }
    this.overlayMaterial.opacity = opacity;
    const atoms = this.overlayAtoms!.instanceMatrix.array as Float32Array;
    for (let f = 0; f < frames; f++) {
      const frame = packed.subarray(f * n * 3, (f + 1) * n * 3);
      writeAtoms(atoms, frame, t.radii, f * n);
      if (this.overlayBonds) writeHalfBonds(this.overlayBonds.instanceMatrix.array as Float32Array, frame, t.bonds, t.bondRadius, f * 2 * nb);
    }
    this.overlayAtoms!.instanceMatrix.needsUpdate = true;
    if (this.overlayBonds) this.overlayBonds.instanceMatrix.needsUpdate = true;
    this.requestRender();
  }

  /** The overlay of a large system: impostors and line bonds (rebuilt when the frame count or colour changes). */
  private setOverlayBatch(packed: Float32Array, frames: number, opacity: number, color: number | null): void {
    const t = this.topology!;
    const n = t.radii.length;
    this.removeMesh(this.overlayAtoms);
    this.removeMesh(this.overlayBonds);
    this.overlayAtoms = this.overlayBonds = null;
    if (!this.overlayBatch || frames !== this.overlayFrames || color !== this.overlayColor) {
      this.removeOverlayBatch();
      const colors = new Uint32Array(frames * n);
      for (let f = 0; f < frames; f++) for (let i = 0; i < n; i++) colors[f * n + i] = color ?? t.colors[i];
      this.overlayBatch = new ImpostorSpheres(frames * n, colors, this.impostorOverlay);
      this.overlayBatch.mesh.renderOrder = 1;
      this.scene.add(this.overlayBatch.mesh);
      if (t.showBonds && t.bonds.length) {
        this.overlayLines = new BondLines(t.bonds, colors, n, frames, this.overlayLineMaterial);
        this.overlayLines.lines.renderOrder = 1;
        this.scene.add(this.overlayLines.lines);
      }
      this.overlayFrames = frames;
      this.overlayColor = color;
    }
    this.impostorOverlay.uniforms.opacity.value = opacity;
    this.overlayLineMaterial.opacity = opacity;
    for (let f = 0; f < frames; f++) {
      const frame = packed.subarray(f * n * 3, (f + 1) * n * 3);
      this.overlayBatch!.write(frame, t.radii, f * n);
      this.overlayLines?.write(frame, f);
    }
    this.requestRender();
  }

  private removeBatch(): void {
    this.dropBatches(this.atomBatch, this.bondLines);
    this.atomBatch = null;
    this.bondLines = null;
  }

  private removeOverlayBatch(): void {
    this.dropBatches(this.overlayBatch, this.overlayLines);
    this.overlayBatch = null;
    this.overlayLines = null;
  }

  private dropBatches(...batches: (ImpostorSpheres | BondLines | null)[]): void {
    for (const b of batches) {
      if (!b) continue;
      this.scene.remove(b instanceof ImpostorSpheres ? b.mesh : b.lines);
      b.dispose();
    }
  }

  /** Highlights up to four atoms (0-based) and joins them with a line, in pick order. */
  setHighlights(atoms: readonly number[]): void {
    this.highlighted = atoms.slice(0, MAX_HIGHLIGHTS);
    this.updateHighlights();
    this.requestRender();
  }

  /**
   * Points the camera at the current frame so all atoms are in view: from the front (+z) or, with
   * keepDirection, from where the camera looks now (e.g. after a style change).
   */
  fit(keepDirection = false): void {
    if (!this.positions || !this.topology) return;
    let maxR = 0;
    for (let i = 0; i < this.topology.radii.length; i++) maxR = Math.max(maxR, this.topology.radii[i]);
    const s = boundingSphere(this.positions, maxR);
    const aspect = this.camera.aspect || 1;
    const halfFov = THREE.MathUtils.degToRad(FOV / 2);
    const halfFovH = Math.atan(Math.tan(halfFov) * aspect);
    const dist = (s.r * 1.1) / Math.sin(Math.min(halfFov, halfFovH));
    const dir = this.tmp.set(0, 0, 1);
    if (keepDirection) {
      dir.copy(this.camera.position).sub(this.controls.target);
      if (dir.lengthSq() < 1e-12) dir.set(0, 0, 1);
      dir.normalize();
    } else this.camera.up.set(0, 1, 0);
    this.controls.target.set(s.cx, s.cy, s.cz);
    this.camera.position.set(s.cx + dir.x * dist, s.cy + dir.y * dist, s.cz + dir.z * dist);
    this.camera.near = Math.max(dist / 200, 1e-4);
    this.camera.far = dist * 20 + s.r * 4;
    this.controls.minDistance = s.r * 0.05;
    this.controls.maxDistance = dist * 10;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestRender();
  }

  /** The atom (0-based) under a viewport point, or -1. Only the primary frame is pickable. */
  pick(clientX: number, clientY: number): number {
    if (!this.positions || !this.topology) return -1;
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return -1;
    this.ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.ndc, this.camera);
    const { origin, direction } = this.raycaster.ray;
    this.rayOrigin[0] = origin.x; this.rayOrigin[1] = origin.y; this.rayOrigin[2] = origin.z;
    this.rayDir[0] = direction.x; this.rayDir[1] = direction.y; this.rayDir[2] = direction.z;
    // Thin sticks-style atoms get a margin so they can be hit.
    const hit = pickSphere(this.rayOrigin, this.rayDir, this.positions, this.topology.radii, 1.15);
    return hit ? hit.index : -1;
  }

  /** Where atom i (0-based) of the primary frame appears, in CSS pixels from the canvas corner. */
  project(i: number): { x: number; y: number } | null {
    const p = this.positions;
    if (!p || i < 0 || 3 * i + 2 >= p.length) return null;
    this.tmp.set(p[3 * i], p[3 * i + 1], p[3 * i + 2]).project(this.camera);
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((this.tmp.x + 1) / 2) * rect.width, y: ((1 - this.tmp.y) / 2) * rect.height };
  }

  /** PNG of the current view; rendering and reading in one task needs no preserveDrawingBuffer. */
  toDataURL(): string {
    this.render();
    return this.canvas.toDataURL('image/png');
  }

  readonly requestRender = (): void => {
    if (this.disposed || this.frameRequested) return;
    this.frameRequested = requestAnimationFrame(() => {
      this.frameRequested = 0;
      this.render();
    });
  };

  render(): void {
    if (this.disposed) return;
    this.renderer.render(this.scene, this.camera);
    this.onRender?.();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frameRequested) cancelAnimationFrame(this.frameRequested);
    this.resizeObserver.disconnect();
    this.controls.removeEventListener('change', this.requestRender);
    this.controls.dispose();
    for (const m of [this.atomMesh, this.bondMesh, this.overlayAtoms, this.overlayBonds]) this.removeMesh(m);
    this.highlightMesh.dispose();
    this.line.geometry.dispose();
    this.sphereGeometry.dispose();
    this.sphereGeo.dispose();
    this.cylinderGeometry.dispose();
    this.removeBatch();
    this.removeOverlayBatch();
    for (const m of [this.atomMaterial, this.overlayMaterial, this.highlightMaterial, this.lineMaterial, this.impostorAtoms, this.impostorOverlay, this.bondLineMaterial, this.overlayLineMaterial]) m.dispose();
    this.renderer.dispose();
    // Browsers cap live WebGL contexts (~16): give this one back now rather than at GC.
    this.renderer.forceContextLoss();
    this.canvas.remove();
    this.positions = null;
    this.topology = null;
  }

  private resize(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  private makeMesh(geometry: THREE.BufferGeometry, material: THREE.Material, count: number, colors: ArrayLike<number>, bonds: Uint32Array | null): THREE.InstancedMesh {
    const mesh = new THREE.InstancedMesh(geometry, material, count);
    mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
    // Instances move every frame; a stale bounding sphere would cull them wrongly.
    mesh.frustumCulled = false;
    const color = new THREE.Color();
    for (let k = 0; k < count; k++) {
      // Bond halves take the colour of the atom at their own end (even: i, odd: j).
      const atom = bonds ? bonds[2 * (k >> 1) + (k & 1)] : k;
      mesh.setColorAt(k, color.setHex(colors[atom]));
    }
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    this.scene.add(mesh);
    return mesh;
  }

  private removeMesh(mesh: THREE.InstancedMesh | null): void {
    if (!mesh) return;
    this.scene.remove(mesh);
    // Frees the instance buffers; geometry and materials are shared and disposed in dispose().
    mesh.dispose();
  }

  private updateHighlights(): void {
    const p = this.positions;
    const t = this.topology;
    const list = p && t ? this.highlighted.filter((i) => i >= 0 && i < t.radii.length) : [];
    const arr = this.highlightMesh.instanceMatrix.array as Float32Array;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      writeSphere(arr, k, p![3 * i], p![3 * i + 1], p![3 * i + 2], t!.radii[i] + 0.02);
      this.linePositions[3 * k] = p![3 * i];
      this.linePositions[3 * k + 1] = p![3 * i + 1];
      this.linePositions[3 * k + 2] = p![3 * i + 2];
    }
    this.highlightMesh.count = list.length;
    this.highlightMesh.instanceMatrix.needsUpdate = true;
    this.line.geometry.setDrawRange(0, list.length >= 2 ? list.length : 0);
    (this.line.geometry.getAttribute('position') as THREE.BufferAttribute).needsUpdate = true;
  }
}
