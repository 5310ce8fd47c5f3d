// A small three.js viewer for Sartoria's GLB models (the configurator, the share page and the profile reuse it).
//
//   const viewer = createViewer(canvas, { background: "#f4efe8" });
//   await viewer.showModel(url);                 // swaps models without a blank frame; the latest call wins
//   viewer.setPartColor("upper", "#c8553d");     // node names in the GLB are the part names
//   viewer.setPartMaterial("upper", "tpu_85a");  // keys of geometry/materials.py
//   viewer.showFoot(url, true);                  // translucent foot avatar inside the shoe
//   viewer.setMirrored(true);                    // show a right-foot model as the left one
//
// Models are glTF conventions (metres, +y up). Rendering is on demand: a frame is drawn only when something changed,
// so an idle page costs nothing. Events (viewer.events, an EventTarget): "model-shown" {detail: {url, key}} after the
// first frame that contains a new model; "first-frame" once; "error" {detail: {url, error}}.
import {
  NeutralToneMapping, Box3, Color, DirectionalLight, HemisphereLight, Mesh, MeshPhysicalMaterial,
  MeshStandardMaterial, PCFSoftShadowMap, PerspectiveCamera, PlaneGeometry, Scene, ShadowMaterial,
  SRGBColorSpace, Sphere, Spherical, Vector3, WebGLRenderer, Group, DoubleSide,
} from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";

// How each printable material looks: plastics only, so metalness stays near 0; soft TPU has a fabric-like sheen,
// PETG a glossy clear coat, sintered nylon a dry powdery surface.
export const MATERIAL_LOOKS = {
  tpu_95a: { roughness: 0.55, metalness: 0.0, sheen: 0.25, sheenRoughness: 0.6, clearcoat: 0.0 },
  tpu_85a: { roughness: 0.78, metalness: 0.0, sheen: 0.6, sheenRoughness: 0.8, clearcoat: 0.0 },
  pla: { roughness: 0.38, metalness: 0.0, sheen: 0.0, sheenRoughness: 0.5, clearcoat: 0.15 },
  petg: { roughness: 0.18, metalness: 0.02, sheen: 0.0, sheenRoughness: 0.5, clearcoat: 0.7 },
  nylon_pa12: { roughness: 0.95, metalness: 0.0, sheen: 0.15, sheenRoughness: 1.0, clearcoat: 0.0 },
};
const DEFAULT_LOOK = MATERIAL_LOOKS.tpu_95a;
const MODEL_CACHE_SIZE = 8;

export function webglAvailable() {
  try {
    const probe = document.createElement("canvas");
    return Boolean(window.WebGLRenderingContext && (probe.getContext("webgl2") || probe.getContext("webgl")));
  } catch (error) {
    return false;
  }
}

export function createViewer(canvas, options = {}) {
  const settings = {
    background: "#f3eee7",
    fov: 32,
    reducedMotion: window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false,
    ...options,
  };
  const events = new EventTarget();
  const emit = (type, detail) => events.dispatchEvent(new CustomEvent(type, { detail }));

  // preserveDrawingBuffer: tests and the benchmark read pixels back from the canvas.
  const renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true, powerPreference: "high-performance" });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.outputColorSpace = SRGBColorSpace;
  renderer.toneMapping = NeutralToneMapping; // keeps the chosen colours true
  renderer.toneMappingExposure = 1.0;
  renderer.shadowMap.enabled = true;
  renderer.shadowMap.type = PCFSoftShadowMap;

  const scene = new Scene();
  scene.background = new Color(settings.background);
  const camera = new PerspectiveCamera(settings.fov, 1, 0.005, 50);
  camera.position.set(0.45, 0.3, 0.55);

  // Lights only, no environment map: prefiltering one costs seconds of GPU time on machines without a GPU, and the
  // chosen colours read truer without its reflections.
  const hemisphere = new HemisphereLight(0xffffff, 0xd9cfc2, 1.4);
  scene.add(hemisphere);
  const key = new DirectionalLight(0xffffff, 2.0);
  key.position.set(0.35, 0.8, 0.45);
  key.castShadow = true;
  key.shadow.mapSize.set(1024, 1024);
  key.shadow.radius = 6;
  key.shadow.bias = -0.0004;
  key.shadow.normalBias = 0.002;
  scene.add(key, key.target);
  const rim = new DirectionalLight(0xfff4e6, 0.6);
  rim.position.set(-0.6, 0.35, -0.5);
  scene.add(rim);

  // A ground that only shows the shadow: the product floats on the page's colour, grounded by its soft shadow.
  const ground = new Mesh(new PlaneGeometry(4, 4), new ShadowMaterial({ color: 0x3b2f25, opacity: 0.16 }));
  ground.rotation.x = -Math.PI / 2;
  ground.receiveShadow = true;
  scene.add(ground);

  const stage = new Group(); // holds the shoe; mirrored for the left foot when only a right model exists
  scene.add(stage);

  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = !settings.reducedMotion;
  controls.dampingFactor = 0.09;
  controls.rotateSpeed = 0.8;
  controls.zoomSpeed = 0.9;
  controls.panSpeed = 0.6;
  controls.screenSpacePanning = true;
  controls.maxPolarAngle = Math.PI * 0.495; // never below the ground
  controls.minPolarAngle = 0.05;
  controls.keys = {}; // arrow keys are handled below: orbit, not pan

  const loader = new GLTFLoader();
  const cache = new Map(); // url -> Promise<gltf scene>, most recent last
  const partColors = {}; // part -> "#rrggbb", applied to every model shown
  const partMaterials = {}; // part -> material key
  let model = null;
  let modelUrl = null;
  let modelToken = 0;
  let foot = null;
  let footUrl = null;
  let footVisible = false;
  let footToken = 0;
  let bounds = new Sphere(new Vector3(0, 0.05, 0), 0.2);
  let framed = false;
  let dirty = true;
  let firstFrameDone = false;
  let pendingShown = []; // {url, key} to announce after the next frame
  let running = true;
  let size = { width: 0, height: 0 };

  canvas.dataset.state = "loading";
  canvas.dataset.colors = "{}";

  const invalidate = () => { dirty = true; };
  controls.addEventListener("change", invalidate);

  function resize() {
    const rect = canvas.getBoundingClientRect();
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    if (width === size.width && height === size.height) return;
    size = { width, height };
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    if (model && !framed) frame();
    invalidate();
  }
  const resizeObserver = new ResizeObserver(resize);
  resizeObserver.observe(canvas);
  resize();

  function tick() {
    if (!running) return;
    requestAnimationFrame(tick);
    const moved = controls.update();
    if (!dirty && !moved) return;
    dirty = false;
    clampTarget();
    renderer.render(scene, camera);
    if (pendingShown.length && model) {
      if (!firstFrameDone) {
        firstFrameDone = true;
        performance.mark("sartoria:first-frame");
        emit("first-frame", {});
      }
      const shown = pendingShown;
      pendingShown = [];
      for (const item of shown) emit("model-shown", item);
    }
  }
  requestAnimationFrame(tick);

  // Panning may move the target around the model, not away from it.
  function clampTarget() {
    const limit = bounds.radius * 0.9;
    const offset = controls.target.clone().sub(bounds.center);
    if (offset.length() > limit) {
      offset.setLength(limit);
      const corrected = bounds.center.clone().add(offset);
      camera.position.add(corrected.clone().sub(controls.target));
      controls.target.copy(corrected);
    }
  }

  function frame() {
    // A three-quarter view from the outside of the shoe, slightly above; the distance is searched so that the model's
    // bounding box fills about 85 % of the view whatever the canvas shape (phone portrait or desktop landscape).
    const direction = new Vector3(0.62, 0.42, 0.66).normalize();
    const box = model ? new Box3().setFromObject(stage) : null;
    const corners = box && !box.isEmpty()
      ? [0, 1, 2, 3, 4, 5, 6, 7].map((i) => new Vector3(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z))
      : null;
    const place = (distance) => {
      camera.position.copy(bounds.center).addScaledVector(direction, distance);
      camera.lookAt(bounds.center);
      camera.updateMatrixWorld();
    };
    let near = bounds.radius * 0.5;
    let far = (bounds.radius / Math.sin((camera.fov * Math.PI) / 360)) * 3;
    if (corners) {
      for (let step = 0; step < 18; step += 1) {
        const middle = (near + far) / 2;
        place(middle);
        const fits = corners.every((corner) => {
          const p = corner.clone().project(camera);
          return Math.abs(p.x) <= 0.85 && Math.abs(p.y) <= 0.85 && p.z < 1;
        });
        if (fits) far = middle; else near = middle;
      }
    }
    const distance = corners ? far : far / 3;
    controls.target.copy(bounds.center);
    place(distance);
    camera.near = distance / 100;
    camera.far = distance * 20;
    camera.updateProjectionMatrix();
    controls.minDistance = bounds.radius * 0.9;
    controls.maxDistance = distance * 2.5;
    controls.update();
    framed = true;
    invalidate();
  }

  function measure(object) {
    const box = new Box3().setFromObject(object);
    if (box.isEmpty()) return;
    bounds = box.getBoundingSphere(new Sphere());
    ground.position.y = box.min.y - 0.0005;
    // The shadow camera hugs the model, so the shadow stays sharp enough at every size.
    const r = bounds.radius * 1.6;
    Object.assign(key.shadow.camera, { left: -r, right: r, top: r, bottom: -r, near: 0.01, far: 4 });
    key.shadow.camera.updateProjectionMatrix();
    key.target.position.copy(bounds.center);
    key.position.copy(bounds.center).add(new Vector3(0.35, 0.8, 0.45));
  }

  function look(materialKey) {
    return MATERIAL_LOOKS[materialKey] || DEFAULT_LOOK;
  }

  // Each mesh gets its own physical material (sheen, clear coat) so that one part can be recoloured alone.
  function prepare(root) {
    root.traverse((object) => {
      if (!object.isMesh) return;
      object.castShadow = true;
      object.receiveShadow = true;
      const source = object.material;
      const material = new MeshPhysicalMaterial({
        color: source?.color ? source.color.clone() : new Color(0xcccccc),
        roughness: DEFAULT_LOOK.roughness,
        metalness: DEFAULT_LOOK.metalness,
        sheen: DEFAULT_LOOK.sheen,
        sheenRoughness: DEFAULT_LOOK.sheenRoughness,
        sheenColor: new Color(0xffffff),
        clearcoat: DEFAULT_LOOK.clearcoat,
        clearcoatRoughness: 0.35,
        side: DoubleSide,
        vertexColors: Boolean(object.geometry?.attributes?.color),
      });
      object.material = material;
      object.userData.part = partOf(object);
      // Our GLBs carry positions only: smooth normals here keep the files small.
      if (!object.geometry.attributes.normal) object.geometry.computeVertexNormals();
    });
  }

  // The part a mesh belongs to: its own node name, or its nearest named ancestor (loaders may add wrapper nodes).
  function partOf(object) {
    let node = object;
    while (node) {
      if (node.name && !/^(Scene|AuxScene)$/.test(node.name)) return node.name.replace(/(_\d+)$/, "");
      node = node.parent;
    }
    return "";
  }

  function meshesOf(part, root = model) {
    const found = [];
    root?.traverse((object) => {
      if (object.isMesh && object.userData.part === part) found.push(object);
    });
    return found;
  }

  function applyLook(root) {
    for (const [part, hex] of Object.entries(partColors)) {
      for (const mesh of meshesOf(part, root)) mesh.material.color.set(hex);
    }
    for (const [part, materialKey] of Object.entries(partMaterials)) {
      const values = look(materialKey);
      for (const mesh of meshesOf(part, root)) {
        Object.assign(mesh.material, {
          roughness: values.roughness, metalness: values.metalness, sheen: values.sheen,
          sheenRoughness: values.sheenRoughness, clearcoat: values.clearcoat,
        });
        mesh.material.needsUpdate = true;
      }
    }
    applyFootTransparency(root);
  }

  // With the foot shown, the upper turns translucent so the foot and its clearance can be seen inside.
  function applyFootTransparency(root = model) {
    root?.traverse((object) => {
      if (!object.isMesh) return;
      const see = footVisible && foot && object.userData.part === "upper";
      object.material.transparent = see;
      object.material.opacity = see ? 0.28 : 1;
      object.material.depthWrite = !see;
      object.castShadow = !see;
      object.material.needsUpdate = true;
    });
  }

  function load(url) {
    if (cache.has(url)) {
      const hit = cache.get(url);
      cache.delete(url);
      cache.set(url, hit);
      return hit;
    }
    const promise = loader.loadAsync(url).then((gltf) => gltf.scene);
    promise.catch(() => cache.delete(url));
    cache.set(url, promise);
    while (cache.size > MODEL_CACHE_SIZE) cache.delete(cache.keys().next().value);
    return promise;
  }

  /**
   * Show the GLB at `url`, replacing the current model only once the new one is ready (no blank frame).
   * Resolves true when it was shown, false when a later call superseded it. `key` is echoed in "model-shown".
   */
  async function showModel(url, { key = url, reframe = false } = {}) {
    const token = ++modelToken;
    canvas.dataset.state = "loading";
    let root;
    try {
      root = (await load(url)).clone(true);
    } catch (error) {
      if (token === modelToken) canvas.dataset.state = model ? "ready" : "error";
      emit("error", { url, error });
      throw error;
    }
    if (token !== modelToken) return false;
    prepare(root);
    applyLook(root);
    if (model) stage.remove(model);
    model = root;
    modelUrl = url;
    stage.add(model);
    measure(stage);
    if (!framed || reframe) {
      if (size.width > 1) frame();
    }
    canvas.dataset.state = "ready";
    pendingShown.push({ url, key });
    invalidate();
    return true;
  }

  /** Preload a model into the cache (e.g. the other foot) without showing it. */
  function preload(url) {
    return load(url).then(() => true, () => false);
  }

  function setPartColor(part, hex) {
    if (!/^#[0-9a-f]{6}$/i.test(hex)) return;
    partColors[part] = hex.toLowerCase();
    for (const mesh of meshesOf(part)) mesh.material.color.set(hex);
    canvas.dataset.colors = JSON.stringify(partColors);
    invalidate();
  }

  function setPartMaterial(part, materialKey) {
    partMaterials[part] = materialKey;
    if (model) applyLook(model);
    invalidate();
  }

  async function showFoot(url, visible = true) {
    footVisible = Boolean(visible);
    const token = ++footToken;
    if (footVisible && url && url !== footUrl) {
      let root;
      try {
        root = (await load(url)).clone(true);
      } catch (error) {
        emit("error", { url, error });
        footVisible = false;
        return false;
      }
      if (token !== footToken) return false;
      root.traverse((object) => {
        if (!object.isMesh) return;
        if (!object.geometry.attributes.normal) object.geometry.computeVertexNormals();
        const colored = Boolean(object.geometry?.attributes?.color);
        object.material = new MeshStandardMaterial({
          color: colored ? 0xffffff : 0xe8b89a, vertexColors: colored, roughness: 0.7, metalness: 0,
          transparent: true, opacity: 0.9, depthWrite: true,
        });
        object.renderOrder = -1;
      });
      if (foot) stage.remove(foot);
      foot = root;
      footUrl = url;
      stage.add(foot);
    }
    if (foot) foot.visible = footVisible;
    applyFootTransparency();
    invalidate();
    return footVisible;
  }

  function setMirrored(mirrored) {
    // Mirror across the shoe's long axis (glTF z is across the foot): a right shoe becomes a left one.
    stage.scale.z = mirrored ? -1 : 1;
    measure(stage);
    invalidate();
  }

  function resetView() {
    frame();
  }

  // Keyboard: arrows orbit, Shift+arrows pan, + / - zoom, 0 or Home resets.
  const spherical = new Spherical();
  function onKey(event) {
    const step = event.altKey ? 0.02 : 0.12;
    const offset = camera.position.clone().sub(controls.target);
    let handled = true;
    if (event.shiftKey && event.key.startsWith("Arrow")) {
      const right = new Vector3().setFromMatrixColumn(camera.matrix, 0);
      const up = new Vector3().setFromMatrixColumn(camera.matrix, 1);
      const amount = bounds.radius * 0.08;
      const delta = { ArrowLeft: right.multiplyScalar(-amount), ArrowRight: right.multiplyScalar(amount),
                      ArrowUp: up.multiplyScalar(amount), ArrowDown: up.multiplyScalar(-amount) }[event.key];
      controls.target.add(delta);
      camera.position.add(delta);
    } else if (event.key.startsWith("Arrow")) {
      spherical.setFromVector3(offset);
      if (event.key === "ArrowLeft") spherical.theta -= step;
      if (event.key === "ArrowRight") spherical.theta += step;
      if (event.key === "ArrowUp") spherical.phi -= step;
      if (event.key === "ArrowDown") spherical.phi += step;
      spherical.phi = Math.min(controls.maxPolarAngle, Math.max(controls.minPolarAngle, spherical.phi));
      camera.position.copy(controls.target).add(new Vector3().setFromSpherical(spherical));
    } else if (event.key === "+" || event.key === "=" || event.key === "-" || event.key === "_") {
      const factor = event.key === "-" || event.key === "_" ? 1.12 : 1 / 1.12;
      const length = Math.min(controls.maxDistance, Math.max(controls.minDistance, offset.length() * factor));
      camera.position.copy(controls.target).add(offset.setLength(length));
    } else if (event.key === "0" || event.key === "Home") {
      frame();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      controls.update();
      invalidate();
    }
  }
  canvas.addEventListener("keydown", onKey);

  function dispose() {
    running = false;
    resizeObserver.disconnect();
    canvas.removeEventListener("keydown", onKey);
    controls.dispose();
    renderer.dispose();
  }

  return {
    events,
    showModel,
    preload,
    setPartColor,
    setPartMaterial,
    showFoot,
    setMirrored,
    resetView,
    dispose,
    invalidate,
    get modelUrl() { return modelUrl; },
    get footShown() { return footVisible && Boolean(foot); },
    get partColors() { return { ...partColors }; },
    renderer,
    scene,
    camera,
    controls,
  };
}
