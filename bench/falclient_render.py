#!/usr/bin/env python3
"""The fal-client side of bench/run_vs_falclient.sh: renders the bodies of
`shotc build SCENE --keep-paths` with fal's official Python client against the
stand-in (plain HTTP, module globals patched as in fal-protocol.md section 3.2,
option B).

    falclient_render.py BUILD_JSON SCENE_DIR BASE_URL J OUTDIR [--progress]

1. uploads each distinct local image once (fal_client.upload_file: the v3 token
   + /files/upload flow) and substitutes the URLs into the bodies;
2. runs the shots J at a time (a thread pool of J workers), each
   fal_client.subscribe(endpoint, arguments=body, with_logs=True) with the
   client's default polling (0.1 s). With --progress it also passes
   on_queue_update (a callback keeping the last log line, as a progress display
   would), which makes subscribe poll status?logs=true until COMPLETED and then
   get() poll status?logs=false once more;
3. downloads each result video (httpx, streamed) to OUTDIR/SHOT.mp4.
Prints one JSON line: {"n", "uploads", "videos": {shot: bytes}, "seconds": {...}}.
FAL_KEY must be set.
"""
import concurrent.futures
import json
import os
import sys
import time

T0 = time.monotonic()
import httpx  # noqa: E402
import fal_client  # noqa: E402
from fal_client import client as fc  # noqa: E402

T_IMPORT = time.monotonic() - T0


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    progress = "--progress" in sys.argv
    build_json, scene_dir, base, j, outdir = args[0], args[1], args[2].rstrip("/"), int(args[3]), args[4]
    fc.QUEUE_URL_FORMAT = base + "/"
    fc.RUN_URL_FORMAT = base + "/"
    fc.REST_URL = base
    fc.CDN_URL = base
    os.makedirs(outdir, exist_ok=True)
    with open(build_json) as f:
        shots = json.load(f)

    def is_local(u):
        return isinstance(u, str) and not u.startswith(("http://", "https://", "data:"))

    # 1. distinct local images, uploaded once each
    t = time.monotonic()
    local = []
    for s in shots:
        body = s["input"]
        for u in body.get("image_urls", []):
            if is_local(u) and u not in local:
                local.append(u)
        for e in body.get("elements", []):
            for u in [e["frontal_image_url"], *e.get("reference_image_urls", [])]:
                if is_local(u) and u not in local:
                    local.append(u)
    urls = {p: fal_client.upload_file(os.path.join(scene_dir, p)) for p in local}
    t_upload = time.monotonic() - t

    def sub(u):
        return urls.get(u, u)

    for s in shots:
        body = s["input"]
        if "image_urls" in body:
            body["image_urls"] = [sub(u) for u in body["image_urls"]]
        for e in body.get("elements", []):
            e["frontal_image_url"] = sub(e["frontal_image_url"])
            e["reference_image_urls"] = [sub(u) for u in e.get("reference_image_urls", [])]

    # 2 + 3. J workers: subscribe, then download
    last_log = {}

    def render(s):
        name = s["shot"]
        kw = {}
        if progress:
            def on_update(status):
                logs = getattr(status, "logs", None)
                if logs:
                    last_log[name] = logs[-1].get("message")
            kw["on_queue_update"] = on_update
        result = fal_client.subscribe(s["endpoint"], arguments=s["input"], with_logs=True, **kw)
        video = result["video"]["url"]
        path = os.path.join(outdir, name + ".mp4")
        with httpx.stream("GET", video, timeout=120) as r:
            r.raise_for_status()
            with open(path + ".part", "wb") as f:
                for chunk in r.iter_bytes():
                    f.write(chunk)
        os.replace(path + ".part", path)
        return name, os.path.getsize(path)

    t = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=j) as pool:
        videos = dict(pool.map(render, shots))
    t_render = time.monotonic() - t
    print(json.dumps({"n": len(shots), "uploads": len(urls), "videos": videos,
                      "seconds": {"import": round(T_IMPORT, 3), "upload": round(t_upload, 3),
                                  "render": round(t_render, 3), "total": round(time.monotonic() - T0, 3)}}))


if __name__ == "__main__":
    main()
