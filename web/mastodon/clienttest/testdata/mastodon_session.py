"""Mastodon.py 1.8 against a Rounds server, one step per command.

Usage: mastodon_session.py COMMAND BASE_URL ARGS...
Every command prints one JSON object. Any client error (an HTTP error,
a version check, a missing key) raises and exits non-zero; the Go test
then fails.
"""
import json
import sys
import time

from mastodon import Mastodon

SCOPES = ["read", "write", "follow", "push"]


def session(base, token):
    # The constructor reads /api/v1/instance/ and parses its version.
    return Mastodon(access_token=token, api_base_url=base)


def login(base, email, password):
    cid, secret = Mastodon.create_app("Rounds client test", api_base_url=base, scopes=SCOPES)
    m = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    token = m.log_in(username=email, password=password, scopes=SCOPES)
    me = m.me()
    return {"token": token, "id": str(me["id"]), "acct": me["acct"],
            "version": m.retrieve_mastodon_version(), "version_check_worked": m.version_check_worked}


def lock(m):
    me = m.account_update_credentials(locked=True)
    return {"locked": me["locked"]}


def post(m, text):
    s = m.status_post(text)
    return {"id": str(s["id"]), "content": s["content"],
            "mentions": [a["acct"] for a in s["mentions"]], "tags": [t["name"] for t in s["tags"]]}


def interact(m, status_id):
    """Reply to, favourite, boost and bookmark someone else's status."""
    s = m.status(status_id)
    reply = m.status_reply(s, "Agreed, see you at rounds.")
    fav = m.status_favourite(s)
    boost = m.status_reblog(s)
    mark = m.status_bookmark(s)
    return {
        "reply_id": str(reply["id"]), "reply_to": str(reply["in_reply_to_id"]), "reply_text": reply["content"],
        "favourited": fav["favourited"], "favourites_count": fav["favourites_count"],
        "reblog_of": str(boost["reblog"]["id"]), "reblogged": boost["reblog"]["reblogged"],
        "bookmarked": mark["bookmarked"], "bookmarks": [str(b["id"]) for b in m.bookmarks()],
    }


def media(m, path, description):
    """Upload an image (v2: processed in the background), wait, post it."""
    att = m.media_post(path, description=description)
    deadline = time.monotonic() + 60
    while att["url"] is None and time.monotonic() < deadline:
        time.sleep(0.1)
        att = m.media(att)
    s = m.status_post("Chest film, day 3.", media_ids=[att])
    a = s["media_attachments"][0]
    return {"status_id": str(s["id"]), "media_id": str(a["id"]), "type": a["type"],
            "url": a["url"], "preview_url": a["preview_url"], "description": a["description"]}


def follow(m, account_id):
    r = m.account_follow(account_id)
    return {"following": r["following"], "requested": r["requested"]}


def accept(m):
    """Authorize every pending follow request."""
    names = []
    for a in m.follow_requests():
        r = m.follow_request_authorize(a)
        if not r["followed_by"]:
            raise AssertionError("authorized follower is not followed_by")
        names.append(a["acct"])
    return {"accepted": names}


def relationship(m, account_id):
    r = m.account_relationships(account_id)[0]
    return {"following": r["following"], "requested": r["requested"]}


def search(m, q):
    r = m.search_v2(q)
    return {"accounts": [a["acct"] for a in r["accounts"]],
            "hashtags": [t["name"] for t in r["hashtags"]],
            "statuses": [str(s["id"]) for s in r["statuses"]]}


def notifications(m):
    return {"notifications": [
        {"type": n["type"], "acct": n["account"]["acct"],
         "status_id": str(n["status"]["id"]) if n.get("status") else None}
        for n in m.notifications()]}


def paging(m, count):
    """Post count statuses, then read home 20 at a time with fetch_next."""
    posted = [str(m.status_post(f"Paging check {i}.")["id"]) for i in range(int(count))]
    pages = []
    page = m.timeline_home(limit=20)
    while page:
        pages.append([str(s["id"]) for s in page])
        page = m.fetch_next(page)
    return {"posted": posted, "pages": pages}


COMMANDS = {"lock": lock, "post": post, "interact": interact, "media": media, "follow": follow,
            "accept": accept, "relationship": relationship, "search": search,
            "notifications": notifications, "paging": paging}

if __name__ == "__main__":
    command, base, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if command == "login":
        result = login(base, *args)
    else:
        result = COMMANDS[command](session(base, args[0]), *args[1:])
    print(json.dumps(result))
