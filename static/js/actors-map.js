/* Map of the territory actors (public directory and embeddable map).
 *
 * Reads its settings from data-* attributes of #actors-map: the GeoJSON of the actors, the vendored country
 * outlines drawn under the markers (works offline), and an online tile layer only when the platform sets one.
 * Every text coming from the data is written with textContent, never as HTML.
 */
(function () {
  "use strict";

  function fetchJson(url) {
    return fetch(url, { credentials: "omit", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function popupContent(properties, websiteLabel) {
    var box = document.createElement("div");
    box.className = "actors-map__popup";
    var title = document.createElement("strong");
    title.textContent = properties.name || "";
    box.appendChild(title);
    var details = [properties.kind_label, properties.commune].filter(Boolean).join(" · ");
    if (details) {
      var line = document.createElement("p");
      line.textContent = details;
      box.appendChild(line);
    }
    if (properties.themes && properties.themes.length) {
      var themes = document.createElement("p");
      themes.textContent = properties.themes.join(", ");
      box.appendChild(themes);
    }
    if (properties.website && /^https?:\/\//i.test(properties.website)) {
      var link = document.createElement("a");
      link.href = properties.website;
      link.rel = "noopener nofollow ugc";
      link.target = "_blank";
      link.textContent = websiteLabel;
      box.appendChild(link);
    }
    return box;
  }

  function init() {
    var element = document.getElementById("actors-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 18 }).setView([30, 5], 3);
    var tileUrl = element.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
    }
    fetchJson(element.dataset.basemapUrl)
      .then(function (outlines) {
        L.geoJSON(outlines, {
          interactive: false,
          style: { color: "#8a97a8", weight: 0.6, fillColor: "#eef2f6", fillOpacity: tileUrl ? 0 : 1 },
        })
          .addTo(map)
          .bringToBack();
      })
      .catch(function () {
        /* the markers still work without the outlines */
      });
    var websiteLabel = element.dataset.websiteLabel || "";
    // Explicit icon URLs: Leaflet's guess from its CSS fails once the static files carry a hash in their names.
    var icon = L.icon({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    fetchJson(element.dataset.geojsonUrl)
      .then(function (data) {
        var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.marker(latlng, { icon: icon, title: feature.properties.name || "", alt: feature.properties.name || "" });
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(popupContent(feature.properties || {}, websiteLabel));
          },
        });
        clusters.addLayer(layer);
        map.addLayer(clusters);
        if (data.features && data.features.length) {
          map.fitBounds(clusters.getBounds(), { maxZoom: 12, padding: [20, 20] });
        } else {
          var empty = document.createElement("p");
          empty.className = "actors-map__empty";
          empty.textContent = element.dataset.emptyLabel || "";
          element.insertAdjacentElement("afterend", empty);
        }
      })
      .catch(function (error) {
        /* the plain list below the map keeps the page useful */
        if (window.console) {
          window.console.warn("actors-map:", error);
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
