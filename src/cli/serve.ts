// `searchlight serve DIR [--port P]`: the results browser (web/) on localhost, serving the
// files of an output folder read-only.
import type { Command } from "commander";
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../io/errors.ts";
import { siteFiles } from "./web/site.ts";
import { port } from "./shared/options.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json",
  ".csv": "text/csv; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml", ".pdf": "application/pdf",
  ".txt": "text/plain; charset=utf-8", ".css": "text/css; charset=utf-8", ".map": "application/json", ".md": "text/plain; charset=utf-8", ".yaml": "text/plain; charset=utf-8",
};

/** Relative paths of the result files under dir (sorted; hidden entries skipped). */
export function listResultFiles(dir: string, max = 20000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".") || out.length >= max) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join("/"));
    }
  };
  walk(dir);
  return out;
}

/** Start the server; resolves once it listens. Port 0 picks a free port. */
export function startServer(dir: string, port: number, host = "127.0.0.1"): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const send = (code: number, type: string, body: string | Buffer) => { res.writeHead(code, { "content-type": type }); res.end(body); };
    if (url.pathname === "/api/files") return send(200, TYPES[".json"], JSON.stringify({ root, files: listResultFiles(root) }));
    if (url.pathname.startsWith("/files/")) {
      const p = resolve(root, decodeURIComponent(url.pathname.slice(7)));
      if (!(p === root || p.startsWith(root + sep)) || !existsSync(p) || !statSync(p).isFile()) return send(404, TYPES[".txt"], "not found");
      return send(200, TYPES[extname(p).toLowerCase()] ?? "application/octet-stream", readFileSync(p));
    }
    const name = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const file = siteFiles().get(name); // the pages (web/) and their bundles (dist/web/)
    if (!file) return send(404, TYPES[".txt"], "not found");
    return send(200, TYPES[extname(name)] ?? "text/plain", readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

export function register(cmd: Command): void {
  cmd.option("--port <port>", "port (0 = any free port)", "8377")
    .action(async (dir: string, o: { port: string }) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, "", "not a directory: give the output folder of a Searchlight command");
      const p = port("--port", o.port, 8377);
      const server = await startServer(dir, p).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "EADDRINUSE") throw new InputError("", "--port", `port ${p} is in use: choose another with --port (0 picks a free one)`);
        if (e.code === "EACCES") throw new InputError("", "--port", `port ${p} needs privileges: choose one above 1023 with --port`);
        throw e;
      });
      const addr = server.address();
      const bound = typeof addr === "object" && addr ? addr.port : p;
      process.stderr.write(`searchlight: serving ${resolve(dir)} at http://127.0.0.1:${bound}/ (Ctrl-C to stop)\n`);
      await new Promise(() => {});
    });
}
