#!/bin/sh
# Opens the kiosk full screen in Chromium, once the kiosk server answers.
# Started by the kiosk account's graphical session (see README-operateur.md).
URL="${CIVICAI_KIOSK_URL:-http://127.0.0.1:8866/}"
until curl -fsS -o /dev/null "$URL"; do sleep 2; done
exec chromium --kiosk --no-first-run --noerrdialogs --disable-infobars \
  --disable-translate --disable-features=Translate --disable-pinch --overscroll-history-navigation=0 \
  --disable-background-networking --disable-component-update --disable-sync \
  --incognito --password-store=basic --check-for-update-interval=31536000 \
  --lang=fr "$URL"
