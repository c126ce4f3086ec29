/**
 * Large systems: atoms as sphere impostors and bonds as lines, in one plain (non-instanced)
 * geometry each. Each atom is one camera-facing quad (2 triangles) whose fragment shader
 * ray-casts the exact sphere (position, normal, depth) instead of a tessellated sphere of ~300
 * triangles; bonds are two coloured line segments (atom -> midpoint -> atom). For 10^4 atoms that
 * is 2 x 10^4 triangles instead of ~3 x 10^6 and no per-instance work, which keeps software
 * rendering (SwiftShader, no GPU) and weak GPUs interactive; large-system viewers (NGL, Mol*, VMD's
 * lines) draw big systems the same way. Positions are rewritten in place each frame (no allocation).
 * Lighting approximates the mesh path's Phong look (ambient + one headlight + a highlight).
 */
import * as THREE from 'three';

/** From this many atoms (per mesh) the scene draws impostors and line bonds. */
export const IMPOSTOR_MIN_ATOMS = 2000;

const vertexShader = /* glsl */ `
attribute vec3 center;
attribute float radius;
attribute vec3 color;
varying vec3 vColor;
varying vec3 vCenter;
varying vec3 vPoint;
varying float vRadius;
void main() {
  vec4 c = modelViewMatrix * vec4(center, 1.0);
  // A quad 1.5 r across in front of the sphere covers its silhouette for the viewer's field of
  // view (35 degrees) unless the camera is inside ~1.5 r of the atom.
  vec3 p = c.xyz + vec3(position.xy * radius * 1.5, radius);
  vCenter = c.xyz;
  vPoint = p;
  vRadius = radius;
  vColor = color;
  gl_Position = projectionMatrix * vec4(p, 1.0);
}
`;

const fragmentShader = /* glsl */ `
uniform float opacity;
uniform mat4 projectionMatrix;
varying vec3 vColor;
varying vec3 vCenter;
varying vec3 vPoint;
varying float vRadius;
void main() {
  // Ray from the camera (view-space origin) through this fragment, against the sphere.
  vec3 dir = normalize(vPoint);
  float b = dot(dir, vCenter);
  float h = b * b - dot(vCenter, vCenter) + vRadius * vRadius;
  if (h < 0.0) discard;
  vec3 hit = dir * (b - sqrt(h));
  vec3 n = normalize(hit - vCenter);
  vec3 light = normalize(vec3(1.0, 1.5, 3.0));
  float diffuse = max(dot(n, light), 0.0);
  float spec = pow(max(dot(n, normalize(light - dir)), 0.0), 60.0);
  gl_FragColor = vec4(vColor * (0.35 + 0.7 * diffuse) + vec3(0.2) * spec, opacity);
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * (clip.z / clip.w) + 0.5;
  #include <colorspace_fragment>
}
`;

const CORNERS = [-1, -1, 1, -1, 1, 1, -1, 1];

/** Linear RGB of a 0xRRGGBB colour (as three's Color.setHex gives), into out[o..o+2]. */
function writeColor(out: Float32Array, o: number, hex: number, tmp: THREE.Color): void {
  tmp.setHex(hex);
  out[o] = tmp.r;
  out[o + 1] = tmp.g;
  out[o + 2] = tmp.b;
}

/** `count` sphere impostors in one draw call. */
export class ImpostorSpheres {
  readonly mesh: THREE.Mesh;
  private readonly centers: Float32Array;
  private readonly radii: Float32Array;

  /** colors: 0xRRGGBB per sphere. */
  constructor(readonly count: number, colors: ArrayLike<number>, material: THREE.ShaderMaterial) {
    const geometry = new THREE.BufferGeometry();
    const corner = new Float32Array(count * 12);
    const color = new Float32Array(count * 12);
    const index = count * 4 > 65535 ? new Uint32Array(count * 6) : new Uint16Array(count * 6);
    const tmp = new THREE.Color();
    for (let i = 0; i < count; i++) {
      for (let v = 0; v < 4; v++) {
        corner[12 * i + 3 * v] = CORNERS[2 * v];
        corner[12 * i + 3 * v + 1] = CORNERS[2 * v + 1];
        writeColor(color, 12 * i + 3 * v, colors[i], tmp);
      }
      index.set([4 * i, 4 * i + 1, 4 * i + 2, 4 * i, 4 * i + 2, 4 * i + 3], 6 * i);
    }
    this.centers = new Float32Array(count * 12);
    this.radii = new Float32Array(count * 4);
    geometry.setAttribute('position', new THREE.BufferAttribute(corner, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(color, 3));
    geometry.setAttribute('center', new THREE.BufferAttribute(this.centers, 3).setUsage(THREE.DynamicDrawUsage));
    geometry.setAttribute('radius', new THREE.BufferAttribute(this.radii, 1).setUsage(THREE.DynamicDrawUsage));
    geometry.setIndex(new THREE.BufferAttribute(index, 1));
    this.mesh = new THREE.Mesh(geometry, material);
    // Centres move every frame; a stale bounding sphere would cull them wrongly.
    this.mesh.frustumCulled = false;
  }

  /** Sphere k of `positions` (atoms x 3, nm) with radius radii[k % radii.length], into slots [first, first + n). */
  write(positions: ArrayLike<number>, radii: ArrayLike<number>, first = 0): void {
    const n = radii.length;
    const c = this.centers;
    const r = this.radii;
    for (let i = 0; i < n; i++) {
      const s = first + i;
      const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
      for (let v = 0; v < 4; v++) {
        c[12 * s + 3 * v] = x;
        c[12 * s + 3 * v + 1] = y;
        c[12 * s + 3 * v + 2] = z;
        r[4 * s + v] = radii[i];
      }
    }
    this.mesh.geometry.getAttribute('center').needsUpdate = true;
    this.mesh.geometry.getAttribute('radius').needsUpdate = true;
  }

  dispose(): void {
    this.mesh.geometry.dispose();
  }
}

/** Bonds as coloured line segments atom -> midpoint -> atom, each half in its atom's colour. */
export class BondLines {
  readonly lines: THREE.LineSegments;
  private readonly positions: Float32Array;

  /** bonds: flat i0, j0, i1, j1, ... (0-based) of one copy of the molecule, drawn `copies` times. */
  constructor(private readonly bonds: ArrayLike<number>, colors: ArrayLike<number>, atomsPerCopy: number, copies: number, material: THREE.LineBasicMaterial) {
    const nb = bonds.length >> 1;
    const verts = 4 * nb * copies;
    this.positions = new Float32Array(3 * verts);
    const color = new Float32Array(3 * verts);
    const tmp = new THREE.Color();
    for (let f = 0; f < copies; f++)
      for (let b = 0; b < nb; b++) {
        const o = 12 * (f * nb + b);
        const ci = colors[f * atomsPerCopy + bonds[2 * b]] ?? colors[bonds[2 * b]];
        const cj = colors[f * atomsPerCopy + bonds[2 * b + 1]] ?? colors[bonds[2 * b + 1]];
        writeColor(color, o, ci, tmp);
        writeColor(color, o + 3, ci, tmp);
        writeColor(color, o + 6, cj, tmp);
        writeColor(color, o + 9, cj, tmp);
      }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(this.positions, 3).setUsage(THREE.DynamicDrawUsage));
    geometry.setAttribute('color', new THREE.BufferAttribute(color, 3));
    this.lines = new THREE.LineSegments(geometry, material);
    this.lines.frustumCulled = false;
  }

  /** One copy's positions (atoms x 3, nm) into copy `copy`. */
  write(p: ArrayLike<number>, copy = 0): void {
    const nb = this.bonds.length >> 1;
    const out = this.positions;
    for (let b = 0; b < nb; b++) {
      const i = this.bonds[2 * b], j = this.bonds[2 * b + 1];
      const o = 12 * (copy * nb + b);
      const ax = p[3 * i], ay = p[3 * i + 1], az = p[3 * i + 2];
      const bx = p[3 * j], by = p[3 * j + 1], bz = p[3 * j + 2];
      const mx = (ax + bx) / 2, my = (ay + by) / 2, mz = (az + bz) / 2;
      out[o] = ax; out[o + 1] = ay; out[o + 2] = az;
      out[o + 3] = mx; out[o + 4] = my; out[o + 5] = mz;
      out[o + 6] = mx; out[o + 7] = my; out[o + 8] = mz;
      out[o + 9] = bx; out[o + 10] = by; out[o + 11] = bz;
    }
    this.lines.geometry.getAttribute('position').needsUpdate = true;
  }

  dispose(): void {
    this.lines.geometry.dispose();
  }
}

export function impostorMaterial(opts: { transparent?: boolean; opacity?: number } = {}): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader,
    fragmentShader,
    uniforms: { opacity: { value: opts.opacity ?? 1 } },
    transparent: !!opts.transparent,
    depthWrite: !opts.transparent,
  });
}
