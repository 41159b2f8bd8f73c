/* embed.js: an embedded video (gazette-embed card, made by markup/embed.c) loads nothing from
 * YouTube or Vimeo until the reader asks: the card shows the link and a button; one click puts
 * the provider's player in its place (YouTube through youtube-nocookie.com, Vimeo with
 * dnt=1). The Content-Security-Policy allows exactly these two frame sources. Other providers
 * (X/Twitter, Instagram, …) stay a link: their widgets run the provider's scripts. */
(function () {
  var ID = /^[A-Za-z0-9_-]{6,64}$/;
  function player(figure, href) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    var host = url.hostname.toLowerCase(), path = url.pathname, id;
    /* the card's class alone proves nothing (a post may write one): the link must be the
     * provider's own, so that the player shown is the video the link names */
    if (figure.classList.contains("gazette-embed-youtube") &&
        /^((www|m)\.)?(youtube\.com|youtu\.be)$/.test(host)) {
      if (host === "youtu.be") id = path.slice(1).split("/")[0];
      else if (path === "/watch") id = url.searchParams.get("v");
      else if (path.indexOf("/shorts/") === 0) id = path.split("/")[2];
      else if (path === "/playlist") {
        var list = url.searchParams.get("list");
        return list && ID.test(list) ? { name: "YouTube", src:
          "https://www.youtube-nocookie.com/embed/videoseries?list=" + list } : null;
      }
      return id && ID.test(id) ? { name: "YouTube", src:
        "https://www.youtube-nocookie.com/embed/" + id + "?autoplay=1" } : null;
    }
    if (figure.classList.contains("gazette-embed-vimeo") && /^([a-z0-9-]+\.)?vimeo\.com$/.test(host)) {
      var m = /^\/(?:video\/)?([0-9]{1,20})(?:\/|$)/.exec(path);
      return m ? { name: "Vimeo", src: "https://player.vimeo.com/video/" + m[1] +
        "?autoplay=1&dnt=1" } : null;
    }
    return null;
  }
  var figures = document.querySelectorAll("figure.gazette-embed");
  Array.prototype.forEach.call(figures, function (figure) {
    var link = figure.querySelector("a.gazette-embed-link");
    var p = link && player(figure, link.href);
    if (!p) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "gazette-embed-play";
    button.textContent = "Play the video here (loads " + p.name + ")";
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = p.src;
      frame.title = p.name + " video";
      frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.className = "gazette-embed-player";
      figure.replaceChildren(frame, link);
      link.className = "gazette-embed-link gazette-embed-source";
    });
    figure.insertBefore(button, link);
  });
})();
