#!/usr/bin/env python3
"""The way github_analyze.py --missing-in-branch works, timed: the milestone's issues through REST pages
of 30, the two ranges from `git log` of a full clone, and a substring search of every commit message
for every item's URL (plus, for issues, a "fixes" line naming #N).

    github_analyze_way.py <api-url> <owner/name> <milestone-number> <clone-dir> <cut-ref> <release-branch>

Prints one JSON object: api_calls, api_seconds, git_seconds, match_seconds, missing (item numbers).
"""
import json
import subprocess
import sys
import time
import urllib.request


def milestone_issues(api, repo, milestone):
    calls, page, items = 0, 1, []
    while True:
        url = f"{api}/repos/{repo}/issues?milestone={milestone}&state=all&per_page=30&page={page}"
        req = urllib.request.Request(url, headers={"Authorization": "token bench", "Accept": "application/vnd.github+json"})
        with urllib.request.urlopen(req) as r:
            batch = json.load(r)
        calls += 1
        items.extend(batch)
        if len(batch) < 30:
            return items, calls
        page += 1


def commit_messages(clone, rng):
    out = subprocess.run(["git", "log", "--format=%H%x1f%B%x1e", rng], cwd=clone, check=True, capture_output=True, text=True).stdout
    return {c.split("\x1f", 1)[0].strip(): c.split("\x1f", 1)[1] for c in out.split("\x1e") if "\x1f" in c}


def mentions(issue, message):
    if issue["html_url"] in message:
        return True
    if "pull_request" in issue:
        return False
    return any("fixes" in line.lower() and f"#{issue['number']}" in line for line in message.split("\n"))


def main():
    api, repo, milestone, clone, cut, branch = sys.argv[1:7]
    t0 = time.perf_counter()
    issues, calls = milestone_issues(api, repo, milestone)
    t1 = time.perf_counter()
    main_commits = commit_messages(clone, f"{cut}..main")
    release_commits = commit_messages(clone, f"{cut}..{branch}")
    t2 = time.perf_counter()
    missing = []
    for issue in issues:
        if any(l["name"] == "release-feature-request" for l in issue["labels"]):
            continue
        if issue["state"] == "closed":
            if not any(mentions(issue, m) for m in main_commits.values()):
                continue
            if any(mentions(issue, m) for m in release_commits.values()):
                continue
        missing.append(issue["number"])
    t3 = time.perf_counter()
    print(json.dumps({
        "api_calls": calls,
        "api_seconds": t1 - t0,
        "git_seconds": t2 - t1,
        "match_seconds": t3 - t2,
        "items": len(issues),
        "missing": missing,
    }))


if __name__ == "__main__":
    main()
