// svg-to-pdfkit ships no types; the one function used is typed at the call site.
declare module "svg-to-pdfkit";
