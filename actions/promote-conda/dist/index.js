import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/command.js
import * as os from "os";

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/file-command.js
import * as crypto from "crypto";
import * as fs from "fs";
import * as os2 from "os";
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/core.js
import * as os4 from "os";

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/summary.js
import { EOL as EOL3 } from "os";
import { constants, promises } from "fs";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label2, content) {
    const element = this.wrap("details", this.wrap("summary", label2) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/platform.js
import os3 from "os";

// ../../node_modules/.pnpm/@actions+io@3.0.2/node_modules/@actions/io/lib/io-util.js
import * as fs2 from "fs";
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// ../../node_modules/.pnpm/@actions+exec@3.0.0/node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/platform.js
var platform = os3.platform();
var arch = os3.arch();

// ../../node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}

// ../../packages/core/src/runtime/errors.ts
var ConfigurationError = class extends Error {
  name = "ConfigurationError";
};
function isConfigurationError(e) {
  return e instanceof ConfigurationError;
}

// ../../packages/core/src/runtime/pool.ts
async function settleAll(items, width, fn) {
  const run2 = { settled: items.map((item) => ({ item, result: "not-run" })) };
  let next = 0;
  const worker = async () => {
    while (run2.firstError === void 0 && next < items.length) {
      const i = next++;
      const item = items[i];
      try {
        await fn(item);
        run2.settled[i] = { item, result: "done" };
      } catch (error2) {
        run2.firstError ??= { error: error2 };
        run2.settled[i] = { item, result: "failed", error: error2 };
      }
    }
  };
  const workers = Math.max(1, Math.min(width, items.length));
  const first = worker();
  if (workers > 1) await new Promise((r) => setImmediate(r));
  await Promise.all([first, ...Array.from({ length: workers - 1 }, worker)]);
  return run2;
}

// ../../packages/core/src/runtime/plan.ts
function countBy(plan, action) {
  return plan.operations.filter((op) => op.action === action).length;
}
function assertNoConflicts(plan, hint = "") {
  const conflicts = plan.operations.filter((op) => op.action === "conflict");
  if (conflicts.length === 0) return;
  const shown = conflicts.slice(0, 5).map((op) => `${op.target}${op.reason ? ` (${op.reason})` : ""}`).join("; ");
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : "";
  throw new ConfigurationError(
    `${conflicts.length} conflict(s), nothing was changed: ${shown}${more}${hint ? `. ${hint}` : ""}`
  );
}
function outcomeOf(op, result, extra = {}) {
  const { id, kind, target, action, reason, bytes } = op;
  return { id, kind, target, action, reason, bytes, result, ...extra };
}
async function applyPlan(plan, execute, opts) {
  const outcomes = [];
  const record = (o) => {
    outcomes.push(o);
    opts.onOutcome?.(o);
  };
  if (opts.dryRun) {
    for (const op of plan.operations) record(outcomeOf(op, op.action === "skip" ? "skipped" : "planned"));
    return outcomes;
  }
  assertNoConflicts(plan);
  const pending = plan.operations.filter((op) => op.action === "create" || op.action === "update");
  for (const op of plan.operations) if (op.action === "skip") record(outcomeOf(op, "skipped"));
  const { settled, firstError } = await settleAll(pending, opts.concurrency ?? 1, async (op) => {
    try {
      const verified = await execute(op) ?? void 0;
      record(outcomeOf(op, "done", verified ? { verified } : {}));
    } catch (e) {
      record(outcomeOf(op, "failed", { error: e instanceof Error ? e.message : String(e) }));
      throw e;
    }
  });
  for (const s of settled) if (s.result === "not-run") record(outcomeOf(s.item, "not-run"));
  if (firstError) throw firstError.error;
  return outcomes;
}

// ../../packages/core/src/runtime/receipt.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
function cellText(c) {
  return typeof c === "object" ? c.text : String(c);
}
var Receipt = class {
  constructor(action) {
    this.action = action;
  }
  action;
  startedAt = (/* @__PURE__ */ new Date()).toISOString();
  finishedAt;
  status = "running";
  dryRun;
  error;
  plan;
  outcomes = [];
  outputs = {};
  tables = [];
  notes = [];
  setPlan(plan, dryRun) {
    this.plan = plan;
    this.dryRun = dryRun;
  }
  addOutcome(outcome) {
    this.outcomes.push(outcome);
  }
  setOutput(name, value) {
    this.outputs[name] = String(value);
    setOutput(name, String(value));
  }
  addTable(title, header, rows) {
    this.tables.push({ title, header, rows });
  }
  note(text) {
    this.notes.push(text);
    info(text);
  }
  toJSON() {
    return {
      action: this.action,
      status: this.status,
      dryRun: this.dryRun,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
      outputs: this.outputs,
      notes: this.notes,
      tables: this.tables,
      plan: this.plan,
      outcomes: this.outcomes
    };
  }
};
function receiptPath(action, now = /* @__PURE__ */ new Date()) {
  const dir = process.env["RELEASE_ACTIONS_REPORT_DIR"] || join(process.env["RUNNER_TEMP"] || tmpdir(), "release-actions");
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return join(dir, `${action}-${stamp}-${process.pid}.json`);
}
function writeReceipt(receipt, path2 = receiptPath(receipt.action)) {
  mkdirSync(dirname(path2), { recursive: true });
  writeFileSync(path2, JSON.stringify(receipt, null, 2) + "\n");
  return path2;
}

// ../../packages/core/src/runtime/render.ts
import { appendFileSync as appendFileSync2 } from "node:fs";

// ../../packages/core/src/runtime/html.ts
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// ../../packages/core/src/runtime/render.ts
var MAX_ROWS = 300;
function textTable(header, rows, maxRows = MAX_ROWS) {
  const shown = rows.slice(0, maxRows).map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`... and ${rows.length - maxRows} more rows (see the report)`);
  return out.join("\n");
}
function planRows(plan, outcomes) {
  const result = new Map(outcomes.map((o) => [o.id, o]));
  return plan.operations.map((op) => {
    const o = result.get(op.id);
    return [op.action, op.kind, op.target, o?.result ?? "planned", o?.error ?? op.reason ?? ""];
  });
}
var PLAN_HEADER = ["action", "kind", "target", "result", "detail"];
function planSummaryLine(plan) {
  const counts = /* @__PURE__ */ new Map();
  for (const op of plan.operations) counts.set(op.action, (counts.get(op.action) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return `${plan.action}: ${plan.operations.length} operation(s)${parts.length ? ` (${parts.join(", ")})` : ""}`;
}
function logPlan(plan, dryRun) {
  info(`${dryRun ? "DRY RUN: nothing will be changed. " : ""}${planSummaryLine(plan)}`);
  const rows = plan.operations.map((op) => [op.action, op.kind, op.target, op.reason ?? ""]);
  if (rows.length > 0) info(textTable(["action", "kind", "target", "detail"], rows, 100));
}
function logTable(t) {
  info(`
${t.title}
${textTable(t.header, t.rows)}`);
}
async function writeSummary(receipt, reportPath) {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  const s = summary;
  const verdict = receipt.status === "success" ? "succeeded" : "failed";
  s.addHeading(escapeHtml(`${receipt.action}${receipt.dryRun ? " (dry run)" : ""}: ${verdict}`), 2);
  if (receipt.error) s.addCodeBlock(escapeHtml(receipt.error));
  if (receipt.plan) s.addRaw(`<p>${escapeHtml(planSummaryLine(receipt.plan))}</p>`, true);
  for (const t of receipt.tables) {
    s.addHeading(escapeHtml(t.title), 3);
    s.addTable([
      t.header.map((h) => ({ data: escapeHtml(h), header: true })),
      ...cap(t.rows).map((r) => r.map(cellHtml))
    ]);
    if (t.rows.length > MAX_ROWS) s.addRaw(`<p>... and ${t.rows.length - MAX_ROWS} more rows</p>`, true);
  }
  if (receipt.plan && receipt.plan.operations.length > 0) {
    const rows = planRows(receipt.plan, receipt.outcomes);
    s.addHeading("Operations", 3);
    s.addTable([
      PLAN_HEADER.map((h) => ({ data: h, header: true })),
      ...cap(rows).map((r) => r.map((c) => escapeHtml(String(c))))
    ]);
    if (rows.length > MAX_ROWS) s.addRaw(`<p>... and ${rows.length - MAX_ROWS} more operations</p>`, true);
  }
  for (const n of receipt.notes) s.addRaw(`<p>${escapeHtml(n)}</p>`, true);
  s.addRaw(`<p>Receipt: <code>${escapeHtml(reportPath)}</code></p>`, true);
  appendFileSync2(process.env["GITHUB_STEP_SUMMARY"], s.stringify());
  s.emptyBuffer();
}
function cap(rows) {
  return rows.slice(0, MAX_ROWS);
}
function cellHtml(c) {
  if (typeof c !== "object") return escapeHtml(String(c));
  if (!/^https?:\/\//i.test(c.href)) return escapeHtml(c.text);
  return `<a href="${escapeHtml(c.href).replace(/"/g, "&quot;")}">${escapeHtml(c.text)}</a>`;
}

// ../../packages/core/src/runtime/run.ts
async function run(action, main2) {
  const receipt = new Receipt(action);
  try {
    await main2(receipt);
    receipt.status = "success";
  } catch (e) {
    receipt.status = "failure";
    receipt.error = e instanceof Error ? e.message : String(e);
    if (!isConfigurationError(e) && e instanceof Error && e.stack) info(e.stack);
    setFailed(receipt.error);
  } finally {
    receipt.finishedAt = (/* @__PURE__ */ new Date()).toISOString();
    const path2 = writeReceipt(receipt);
    setOutput("report", path2);
    receipt.outputs["report"] = path2;
    for (const t of receipt.tables) logTable(t);
    try {
      await writeSummary(receipt, path2);
    } catch (e) {
      warning(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return receipt;
}
async function executePlan(receipt, plan, execute, opts) {
  receipt.setPlan(plan, opts.dryRun);
  logPlan(plan, opts.dryRun);
  return applyPlan(plan, execute, { ...opts, onOutcome: (o) => receipt.addOutcome(o) });
}

// ../../packages/core/src/runtime/retry.ts
var sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function backoffDelay(attempt, baseMs, maxMs, random = Math.random) {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
async function withRetry(fn, opts = {}) {
  const { attempts = 5, baseMs = 500, maxMs = 2e4, retryable = () => true, random = Math.random } = opts;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !retryable(e)) throw e;
      const delay = backoffDelay(attempt, baseMs, maxMs, random);
      opts.onRetry?.(e, attempt, delay);
      await wait(delay);
    }
  }
}

// src/anaconda.ts
var AnacondaError = class extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
  status;
};
function isUncertain(e) {
  return e instanceof AnacondaError && (e.status === void 0 || e.status >= 500);
}
function toDist(d) {
  return {
    basename: d.basename,
    subdir: d.attrs?.subdir ?? d.basename.split("/")[0] ?? "",
    ...d.sha256 ? { sha256: d.sha256 } : {},
    md5: d.md5,
    size: d.size,
    labels: d.labels ?? []
  };
}
var path = (...parts) => parts.map((p) => p.split("/").map(encodeURIComponent).join("/")).join("/");
var AnacondaClient = class {
  constructor(apiUrl, token, sleep2) {
    this.apiUrl = apiUrl;
    this.token = token;
    this.sleep = sleep2;
  }
  apiUrl;
  token;
  sleep;
  /** The files of a release, or undefined when the owner has no such release. */
  async release(owner2, pkg, version) {
    const data = await this.read(`release/${path(owner2, pkg, version)}`);
    return data?.distributions.map(toDist);
  }
  async dist(owner2, pkg, version, basename) {
    const data = await this.read(`dist/${path(owner2, pkg, version, basename)}`);
    return data && toDist(data);
  }
  /** One file copied, as `anaconda copy --to-owner` does; never retried here (see the caller). */
  async copy(from, to, pkg, version, basename) {
    await this.request("POST", `copy/package/${path(from.owner, pkg, version, basename)}`, {
      to_owner: to.owner,
      from_channel: from.label,
      to_channel: to.label
    });
  }
  async read(route) {
    try {
      return await withRetry(() => this.request("GET", route), {
        attempts: 4,
        baseMs: 200,
        retryable: isUncertain,
        ...this.sleep ? { sleep: this.sleep } : {}
      });
    } catch (e) {
      if (e instanceof AnacondaError && e.status === 404) return void 0;
      throw e;
    }
  }
  async request(method, route, body) {
    const url = `${this.apiUrl.replace(/\/+$/, "")}/${route}`;
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...this.token ? { authorization: `token ${this.token}` } : {},
          ...body !== void 0 ? { "content-type": "application/json" } : {}
        },
        ...body !== void 0 ? { body: JSON.stringify(body) } : {}
      });
    } catch (e) {
      throw new AnacondaError(void 0, `${method} ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 200);
      try {
        message = JSON.parse(text).error ?? message;
      } catch {
      }
      throw new AnacondaError(res.status, `anaconda.org answered ${res.status} to ${method} /${route}: ${message}`);
    }
    return text ? JSON.parse(text) : void 0;
  }
};

// ../../packages/core/src/runtime/inputs.ts
function raw(name) {
  return getInput(name, { trimWhitespace: true });
}
function getString(name) {
  return raw(name);
}
function getRequired(name) {
  const value = raw(name);
  if (value === "") throw new ConfigurationError(`input "${name}" is required`);
  return value;
}
function nonEmpty(name, expected) {
  const value = raw(name);
  if (value === "") throw new ConfigurationError(`input "${name}" is empty; expected ${expected}`);
  return value;
}
var TRUE = /* @__PURE__ */ new Set(["true", "yes", "on", "1"]);
var FALSE = /* @__PURE__ */ new Set(["false", "no", "off", "0"]);
function parseBoolean(name, value) {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigurationError(`input "${name}" must be true or false, got "${value}"`);
}
function getBoolean(name) {
  return parseBoolean(name, nonEmpty(name, "true or false"));
}
function splitList(value) {
  return value.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
}
function getList(name) {
  return splitList(raw(name));
}
function parseKeyValues(name, value) {
  return splitList(value).map((item) => {
    const eq = item.indexOf("=");
    const key = eq < 0 ? "" : item.slice(0, eq).trim();
    if (key === "") {
      throw new ConfigurationError(`input "${name}" expects key=value items, got "${item}"`);
    }
    return [key, item.slice(eq + 1).trim()];
  });
}
var SIZE_UNITS = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
};
function getUrl(name) {
  const value = raw(name);
  if (value === "") return value;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`input "${name}": "${value}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError(`input "${name}" must be an http(s) URL, got "${value}"`);
  }
  if (url.username || url.password) throw new ConfigurationError(`input "${name}" must not contain credentials`);
  return value;
}
function getSecret(name) {
  const value = raw(name);
  if (value !== "") setSecret(value);
  return value;
}

// ../../packages/core/src/release/version.ts
var PEP440 = new RegExp(
  "^\\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
  "i"
);
var PRE_LABELS = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc"
};
var MAX_LENGTH = 256;
function toInt(digits) {
  if (digits === void 0) return void 0;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}
function tryParseVersion(s) {
  if (typeof s !== "string" || s.length > MAX_LENGTH) return void 0;
  const m = PEP440.exec(s);
  if (!m?.groups) return void 0;
  const g = m.groups;
  const epoch = toInt(g.epoch) ?? 0;
  const release = g.release.split(".").map((x) => toInt(x));
  const numbers = [epoch, ...release];
  let pre;
  if (g.pre_l !== void 0) {
    pre = { label: PRE_LABELS[g.pre_l.toLowerCase()], n: toInt(g.pre_n) ?? 0 };
    numbers.push(pre.n);
  }
  let post;
  if (g.post !== void 0) {
    post = toInt(g.post_n1 ?? g.post_n2) ?? 0;
    numbers.push(post);
  }
  let dev;
  if (g.dev !== void 0) {
    dev = toInt(g.dev_n) ?? 0;
    numbers.push(dev);
  }
  if (numbers.some((n) => Number.isNaN(n))) return void 0;
  const local = g.local?.toLowerCase().replace(/[-_]/g, ".");
  return {
    epoch,
    release,
    major: release[0],
    minor: release[1] ?? 0,
    patch: release[2] ?? 0,
    ...pre && { pre },
    ...post !== void 0 && { post },
    ...dev !== void 0 && { dev },
    ...local !== void 0 && { local }
  };
}
function quote(s) {
  return JSON.stringify(s);
}
function finalReleaseProblem(v) {
  if (v.release.length !== 3) return "";
  if (v.epoch !== 0) return "it has an epoch";
  if (v.pre) return "it is a pre-release";
  if (v.dev !== void 0) return "it is a development release";
  if (v.post !== void 0) return "it is a post-release";
  if (v.local !== void 0) return "it has a local label";
  return void 0;
}
function parseReleaseVersion(input, s) {
  const v = tryParseVersion(s);
  if (!v) {
    if (s.trim() === "") {
      throw new ConfigurationError(`input ${quote(input)} is empty; expected MAJOR.MINOR.PATCH such as 2.6.0`);
    }
    throw new ConfigurationError(
      `input ${quote(input)}: ${quote(s)} is not a version; expected MAJOR.MINOR.PATCH such as 2.6.0`
    );
  }
  const problem = finalReleaseProblem(v);
  if (problem === void 0) return v;
  const example = v.release.length <= 3 ? [v.major, v.minor, v.patch].join(".") : v.release.slice(0, 3).join(".");
  const why = problem === "" ? "" : ` (${problem})`;
  throw new ConfigurationError(
    `input ${quote(input)}: ${quote(s.trim())} is not a full release version${why}; expected MAJOR.MINOR.PATCH such as ${example}`
  );
}
function toVersion(v) {
  if (typeof v !== "string") return v;
  const parsed = tryParseVersion(v);
  if (!parsed) throw new ConfigurationError(`${quote(v)} is not a PEP 440 version`);
  return parsed;
}
function publicVersion(v) {
  const x = toVersion(v);
  let s = x.epoch !== 0 ? `${x.epoch}!` : "";
  s += x.release.join(".");
  if (x.pre) s += `${x.pre.label}${x.pre.n}`;
  if (x.post !== void 0) s += `.post${x.post}`;
  if (x.dev !== void 0) s += `.dev${x.dev}`;
  return s;
}
function formatVersion(v) {
  const x = toVersion(v);
  return x.local === void 0 ? publicVersion(x) : `${publicVersion(x)}+${x.local}`;
}

// ../../packages/core/src/release/artifact-name.ts
function normalizeName(name) {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

// ../../packages/core/src/release/selection.ts
function parseRequestedPackages(input, value) {
  if (value.trim() === "")
    throw new ConfigurationError(`input "${input}" is required: name=version pairs such as torch=2.6.0`);
  for (const item of value.split(/[,\n]/).map((s) => s.trim())) {
    if (item !== "" && !item.includes("=")) {
      throw new ConfigurationError(`input "${input}" expects name=version pairs such as torch=2.6.0, got "${item}"`);
    }
  }
  const seen = /* @__PURE__ */ new Map();
  for (const [spelled, versionText] of parseKeyValues(input, value)) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(spelled)) {
      throw new ConfigurationError(`input "${input}": "${spelled}" is not a package name`);
    }
    const version = parseReleaseVersion(`${input}: ${spelled}`, versionText);
    const name = normalizeName(spelled);
    if (seen.has(name)) throw new ConfigurationError(`input "${input}" names ${spelled} twice`);
    seen.set(name, { name, spelled, version, versionText: formatVersion(version) });
  }
  return [...seen.values()];
}

// src/inputs.ts
var OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
var SUBDIR = /^(noarch|[a-z0-9]+-[a-z0-9_]+)$/;
function owner(name, value) {
  if (!OWNER.test(value)) throw new ConfigurationError(`input "${name}": "${value}" is not an anaconda.org owner name`);
  return value;
}
function label(name, value) {
  if (!OWNER.test(value)) throw new ConfigurationError(`input "${name}": "${value}" is not a label name such as main`);
  return value;
}
function readInputs() {
  const from = {
    owner: owner("from-owner", getRequired("from-owner")),
    label: label("from-label", getString("from-label"))
  };
  const to = { owner: owner("to-owner", getRequired("to-owner")), label: label("to-label", getString("to-label")) };
  if (from.owner === to.owner && from.label === to.label) {
    throw new ConfigurationError(
      `inputs "from-owner" and "to-owner" are both ${from.owner}/${from.label}; nothing to promote`
    );
  }
  const platforms = getList("platforms");
  const bad = platforms.find((p) => !SUBDIR.test(p));
  if (bad !== void 0 || platforms.length === 0) {
    throw new ConfigurationError(
      `input "platforms": ${bad === void 0 ? "empty" : `"${bad}" is not a conda platform`}; expected e.g. linux-64, osx-arm64, win-64, noarch`
    );
  }
  const dryRun = getBoolean("dry-run");
  const token = getSecret("anaconda-token");
  if (!dryRun && token === "") {
    throw new ConfigurationError(
      `input "anaconda-token" is empty; copying needs a token that can write to ${to.owner}`
    );
  }
  return {
    packages: parseRequestedPackages("packages", getRequired("packages")),
    from,
    to,
    platforms,
    apiUrl: getUrl("api-url"),
    token,
    dryRun
  };
}

// src/plan.ts
function sameFile(a, b) {
  const digest = a.sha256 && b.sha256 ? a.sha256 === b.sha256 : a.md5 === b.md5;
  return digest && a.size === b.size;
}
var checksum = (d) => d.sha256 ? `sha256 ${d.sha256}` : `md5 ${d.md5}`;
async function packageOperations(client, inputs, p) {
  const version = p.versionText;
  const source = await client.release(inputs.from.owner, p.spelled, version);
  const wanted = (source ?? []).filter(
    (d) => inputs.platforms.includes(d.subdir) && d.labels.includes(inputs.from.label)
  );
  if (wanted.length === 0) {
    throw new ConfigurationError(
      `${inputs.from.owner}/${p.spelled}/${version} has no files on label ${inputs.from.label} for ${inputs.platforms.join(", ")}${source ? "" : " (no such release)"}`
    );
  }
  const present = new Map(
    (await client.release(inputs.to.owner, p.spelled, version) ?? []).map((d) => [d.basename, d])
  );
  return wanted.map((d) => {
    const there = present.get(d.basename);
    const action = !there ? "create" : sameFile(d, there) ? "skip" : "conflict";
    return {
      id: `copy ${p.spelled}/${version}/${d.basename}`,
      kind: "copy-conda-file",
      target: `${inputs.to.owner}/${p.spelled}/${version}/${d.basename}`,
      action,
      reason: action === "create" ? `from ${inputs.from.owner}/${inputs.from.label}` : action === "skip" ? `already there (${checksum(d)})` : `already there with other bytes: ${checksum(there)}, ${there.size} bytes; the source has ${checksum(d)}, ${d.size} bytes`,
      bytes: d.size,
      data: {
        package: p.spelled,
        version,
        basename: d.basename,
        ...d.sha256 ? { sha256: d.sha256 } : {},
        md5: d.md5,
        size: d.size
      }
    };
  });
}
async function planPromotion(client, inputs) {
  const operations = [];
  for (const p of inputs.packages) operations.push(...await packageOperations(client, inputs, p));
  return { action: "promote-conda", operations };
}
async function copyAndVerify(client, inputs, data) {
  try {
    await client.copy(inputs.from, inputs.to, data.package, data.version, data.basename);
  } catch (e) {
    if (!isUncertain(e) && !(e instanceof AnacondaError && e.status === 409)) throw e;
  }
  const landed = await client.dist(inputs.to.owner, data.package, data.version, data.basename);
  const where = `${inputs.to.owner}/${data.package}/${data.version}/${data.basename}`;
  if (!landed) throw new Error(`${where} is not there after the copy`);
  if (!sameFile(landed, data)) {
    throw new Error(`${where} does not match its source after the copy: ${checksum(landed)}, ${landed.size} bytes`);
  }
  return { ...landed.sha256 ? { sha256: landed.sha256 } : {}, md5: landed.md5, size: landed.size };
}

// src/main.ts
var CONCURRENCY = 4;
async function main(receipt) {
  const inputs = readInputs();
  const client = new AnacondaClient(inputs.apiUrl, inputs.token);
  const plan = await planPromotion(client, inputs);
  receipt.addTable(
    `${inputs.from.owner}/${inputs.from.label} -> ${inputs.to.owner}/${inputs.to.label}`,
    ["package", "version", "file", "bytes", "action"],
    plan.operations.map((op) => [op.data.package, op.data.version, op.data.basename, op.data.size, op.action])
  );
  const outcomes = await executePlan(receipt, plan, (op) => copyAndVerify(client, inputs, op.data), {
    dryRun: inputs.dryRun,
    concurrency: CONCURRENCY
  });
  receipt.setOutput("copied", outcomes.filter((o) => o.result === "done").length);
  receipt.setOutput("skipped", countBy(plan, "skip"));
}

// src/index.ts
await run("promote-conda", main);
