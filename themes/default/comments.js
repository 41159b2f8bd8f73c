/* comments.js: fills the comment form with the name a reader asked us to remember. The page
 * itself holds nothing personal, so it can be cached and shared. Works without it, too. */
(function () {
  var form = document.getElementById("commentform");
  if (!form) return;
  function cookie(name) {
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) {
        try { return decodeURIComponent(parts[i].slice(eq + 1)); } catch (e) { return ""; }
      }
    }
    return "";
  }
  var fields = { author: "comment_author", email: "comment_author_email", url: "comment_author_url" };
  var remembered = false;
  for (var field in fields) {
    var input = form.elements[field], value = cookie(fields[field]);
    if (input && value && !input.value) { input.value = value; remembered = true; }
  }
  if (remembered && form.elements.remember) form.elements.remember.checked = true;
})();
