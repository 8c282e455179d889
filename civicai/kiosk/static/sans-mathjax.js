/* The kiosk is offline: no MathJax. Formulas stay as plain text. */
