# Draws the sample site's lead illustration, content/bilder/kasakhstan-kart.png:
# a simplified locator map of Kazakhstan. Run from the repository root:
#   python3 scripts/sample-map.py   (needs Pillow: pip install pillow)
from PIL import Image, ImageDraw, ImageFilter, ImageFont
import random
W, H = 2000, 1250
LON0, LON1, LAT0, LAT1 = 44.0, 90.0, 38.0, 57.0
def p(lon, lat):
    return ((lon - LON0) / (LON1 - LON0) * W, (LAT1 - lat) / (LAT1 - LAT0) * H)
kz = [(46.5,48.5),(47.5,50.4),(49.0,51.0),(50.8,51.7),(53.0,51.5),(55.0,50.9),(56.5,51.1),(58.0,51.0),(59.5,50.6),(61.4,50.8),(61.0,52.0),(60.8,52.8),(62.0,53.9),(65.0,54.6),(68.0,55.3),(70.5,55.2),(71.0,54.2),(73.5,54.0),(74.5,53.5),(76.5,54.2),(78.0,52.8),(80.0,51.2),(82.0,50.9),(83.5,51.0),(85.0,50.0),(87.3,49.1),(86.0,48.5),(85.5,47.1),(83.0,47.2),(82.3,45.5),(80.1,45.0),(80.2,42.9),(79.0,42.8),(76.0,43.0),(74.3,43.2),(73.5,42.5),(71.0,42.6),(70.0,41.5),(68.3,40.7),(66.6,41.2),(66.0,42.9),(64.0,43.6),(62.0,43.5),(59.0,45.5),(58.5,45.6),(56.0,45.0),(56.0,41.3),(55.4,41.3),(54.0,42.3),(53.0,42.1),(52.6,41.8),(52.8,42.7),(51.3,43.2),(50.8,44.5),(51.3,45.3),(53.0,45.3),(53.2,46.5),(51.0,47.0),(49.2,46.4),(48.6,47.4)]
caspian = [(47,45.5),(49,46.6),(51,47.0),(53.2,46.6),(53.2,45.3),(51.3,45.3),(50.8,44.5),(51.3,43.2),(52.8,42.7),(52.6,41.8),(53.0,40.5),(53.9,37.0),(49.5,37.0),(49.0,40.0),(49.5,40.6),(48.5,41.8),(47.5,43.0),(47.5,44.5)]
aral = [(59.5,46.2),(61.0,46.3),(61.5,45.0),(60.0,44.5),(58.7,45.3)]
balkhash = [(73.5,46.2),(75,46.6),(77,46.8),(79.2,46.6),(79,46.1),(77,46.2),(75,45.9),(74,45.5)]
img = Image.new("RGB", (W, H), (226, 222, 211))
d = ImageDraw.Draw(img)
random.seed(2022)
# Relief: soft darker patches in the Tian Shan and Altai.
relief = Image.new("L", (W, H), 0)
rd = ImageDraw.Draw(relief)
for lon, lat, r in [(76,42.3,90),(79,42.5,80),(73,41.8,70),(70,40.5,60),(86,49.3,70),(83,48.7,40),(80,44,40)]:
    for _ in range(60):
        x, y = p(lon + random.uniform(-2.5, 2.5), lat + random.uniform(-1, 1))
        s = random.uniform(0.3, 1.0) * r
        rd.ellipse((x - s, y - s * 0.6, x + s, y + s * 0.6), fill=random.randint(20, 60))
relief = relief.filter(ImageFilter.GaussianBlur(18))
img = Image.composite(Image.new("RGB", (W, H), (150, 140, 120)), img, relief)
d = ImageDraw.Draw(img)
d.polygon([p(*c) for c in kz], fill=(240, 205, 140))
img2 = Image.composite(Image.new("RGB", (W, H), (190, 150, 95)), img, relief.point(lambda v: v))
mask = Image.new("L", (W, H), 0)
ImageDraw.Draw(mask).polygon([p(*c) for c in kz], fill=255)
img = Image.composite(img2, img, mask)
d = ImageDraw.Draw(img)
for water in (caspian, aral, balkhash):
    d.polygon([p(*c) for c in water], fill=(168, 200, 226), outline=(120, 160, 195))
for lon in range(45, 90, 5):
    d.line([p(lon, LAT0), p(lon, LAT1)], fill=(200, 196, 186), width=1)
for lat in range(40, 57, 5):
    d.line([p(LON0, lat), p(LON1, lat)], fill=(200, 196, 186), width=1)
d.line([p(*c) for c in kz + kz[:1]], fill=(140, 90, 40), width=4, joint="curve")
def font(size):
    try:
        return ImageFont.load_default(size=size)
    except Exception:
        return ImageFont.load_default()
big, mid, small = font(72), font(40), font(32)
def label(text, lon, lat, f, fill=(60, 50, 40), anchor="mm"):
    d.text(p(lon, lat), text, font=f, fill=fill, anchor=anchor)
label("KASAKHSTAN", 67.5, 48.3, big, (110, 70, 30))
label("RUSSLAND", 60, 55.6, mid, (110, 105, 95))
label("KINA", 87, 44.5, mid, (110, 105, 95))
label("USBEKISTAN", 62, 41.2, mid, (110, 105, 95))
label("KIRGISISTAN", 75.5, 41.3, small, (110, 105, 95))
label("Det kaspiske hav", 50.5, 40.5, small, (70, 110, 150))
for name, lon, lat, dx in [("Nur-Sultan", 71.45, 51.17, 1), ("Aktau", 51.2, 43.65, -1), ("Zjanaozen", 52.8, 43.34, 1)]:
    x, y = p(lon, lat)
    d.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(40, 40, 40))
    d.text((x + dx * 18, y), name, font=mid, fill=(40, 35, 30), anchor="lm" if dx > 0 else "rm")
x, y = p(76.9, 43.25)
d.ellipse((x - 30, y - 30, x + 30, y + 30), outline=(190, 30, 30), width=7)
d.ellipse((x - 10, y - 10, x + 10, y + 10), fill=(190, 30, 30))
d.text((x + 40, y - 40), "Almaty", font=big, fill=(150, 20, 20), anchor="lm")
print("Almaty focus", round(x / W, 3), round(y / H, 3))
img.save("content/bilder/kasakhstan-kart.png", optimize=True)
