"""Demo products for the products the seed guide mentions, with images drawn here."""

import io
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from cart.models import Product

PLACEHOLDER = (
    "Placeholder product for the demo shop: the name, price and stock are examples, not a real listing. "
    "Read the label of a real product for its contents and directions."
)

# (name, slug, sku, short description, price, sale price, stock, shape, colour)
PRODUCTS = [
    ("Magnesium glycinate capsules", "magnesium-glycinate", "DEMO-MAG-01",
     "Magnesium, one of the nutrients the guide mentions, as glycinate in vegetable capsules.",
     "18.50", None, 40, "bottle", "#cfe3dc"),
    ("Potassium citrate tablets", "potassium-citrate", "DEMO-POT-01",
     "Potassium, another nutrient the guide names, as citrate in small tablets.",
     "12.90", None, 30, "bottle", "#f1e3c6"),
    ("Iron with vitamin C tablets", "iron-vitamin-c", "DEMO-IRN-01",
     "Iron with vitamin C in one tablet. Iron is not right for everyone: ask a doctor first.",
     "14.00", None, 25, "bottle", "#ead2cf"),
    ("Plant protein powder, unflavoured", "plant-protein", "DEMO-PRO-01",
     "Pea and rice protein powder to stir into meals or drinks.",
     "29.00", "24.00", 20, "tub", "#dfe4c9"),
    ("Electrolyte hydration mix", "electrolyte-mix", "DEMO-HYD-01",
     "Sachets of electrolyte powder to mix into a glass of water.",
     "16.50", None, 35, "pouch", "#cfe0ee"),
    ("Foam roller", "foam-roller", "DEMO-ROL-01",
     "A firm foam roller for light self-massage and stretching routines.",
     "22.00", None, 15, "roller", "#e4d6ec"),
    ("Yoga mat", "yoga-mat", "DEMO-MAT-01",
     "A non-slip mat for yoga, stretching and floor exercises.",
     "35.00", None, 3, "mat", "#d5e8d4"),
]  # fmt: skip


def draw(name: str, shape: str, colour: str, *, filename: str, size: int = 800) -> ContentFile:
    """A plain illustration of the product's shape, labelled as a demo image."""
    image = Image.new("RGB", (size, size), colour)
    pen = ImageDraw.Draw(image)
    ink, paper = "#1f2a2e", "#fdfcf9"
    if shape == "bottle":
        pen.rounded_rectangle((290, 250, 510, 600), 40, fill=paper, outline=ink, width=6)
        pen.rectangle((330, 190, 470, 250), fill=ink)
        pen.rectangle((310, 360, 490, 470), fill=colour)
    elif shape == "tub":
        pen.rounded_rectangle((220, 280, 580, 600), 30, fill=paper, outline=ink, width=6)
        pen.rectangle((210, 240, 590, 290), fill=ink)
        pen.rectangle((240, 380, 560, 470), fill=colour)
    elif shape == "pouch":
        pen.polygon([(260, 220), (540, 220), (580, 600), (220, 600)], fill=paper, outline=ink, width=6)
        pen.rectangle((300, 380, 500, 460), fill=colour)
    elif shape == "roller":
        pen.rounded_rectangle((140, 330, 660, 490), 80, fill=paper, outline=ink, width=6)
        for x in range(220, 600, 60):
            pen.line((x, 340, x, 480), fill=colour, width=10)
    else:  # mat
        pen.rectangle((160, 300, 560, 520), fill=paper, outline=ink, width=6)
        pen.ellipse((500, 300, 660, 520), fill=paper, outline=ink, width=6)
        pen.ellipse((545, 360, 615, 460), fill=colour, outline=ink, width=4)
    font = ImageFont.load_default(size=34)
    pen.text((size / 2, 90), name, fill=ink, font=font, anchor="mm")
    pen.text((size / 2, 700), "Demo image (placeholder)", fill=ink, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=filename)


def load_products() -> list[Product]:
    """Create the demo products that do not exist yet (by SKU); return the ones created."""
    created = []
    existing = set(Product.objects.values_list("sku", flat=True))
    for name, slug, sku, short, price, sale, stock, shape, colour in PRODUCTS:
        if sku in existing:
            continue
        product = Product(
            name=name,
            slug=slug,
            sku=sku,
            short_description=short,
            description=PLACEHOLDER,
            price=Decimal(price),
            sale_price=Decimal(sale) if sale else None,
            stock=stock,
            image_alt=f"Drawing of {name.lower()}, labelled as a demo image",
        )
        product.image = draw(name, shape, colour, filename=f"{slug}.png")
        product.save()
        created.append(product)
    return created
