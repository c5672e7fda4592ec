"""Demo products for the products the seed guide mentions, with images drawn here, in two demo categories."""

import io
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from catalogue.models import Ingredient, Product, ProductCategory, SupplementFacts

PLACEHOLDER = (
    "Placeholder product for the demo shop: the name, price and stock are examples, not a real listing. "
    "Read the label of a real product for its contents and directions."
)

# (name, slug, sku, kind, short description, price, sale price, stock, shape, colour)
PRODUCTS = [
    ("Magnesium glycinate capsules", "magnesium-glycinate", "DEMO-MAG-01", "supplement",
     "Magnesium, one of the nutrients the guide mentions, as glycinate in vegetable capsules.",
     "18.50", None, 40, "bottle", "#cfe3dc"),
    ("Potassium citrate tablets", "potassium-citrate", "DEMO-POT-01", "supplement",
     "Potassium, another nutrient the guide names, as citrate in small tablets.",
     "12.90", None, 30, "bottle", "#f1e3c6"),
    ("Iron with vitamin C tablets", "iron-vitamin-c", "DEMO-IRN-01", "supplement",
     "Iron with vitamin C in one tablet. Iron is not right for everyone: ask a doctor first.",
     "14.00", None, 25, "bottle", "#ead2cf"),
    ("Plant protein powder, unflavoured", "plant-protein", "DEMO-PRO-01", "supplement",
     "Pea and rice protein powder to stir into meals or drinks.",
     "29.00", "24.00", 20, "tub", "#dfe4c9"),
    ("Electrolyte hydration mix", "electrolyte-mix", "DEMO-HYD-01", "supplement",
     "Sachets of electrolyte powder to mix into a glass of water.",
     "16.50", None, 35, "pouch", "#cfe0ee"),
    ("Foam roller", "foam-roller", "DEMO-ROL-01", "equipment",
     "A firm foam roller for light self-massage and stretching routines.",
     "22.00", None, 15, "roller", "#e4d6ec"),
    ("Yoga mat", "yoga-mat", "DEMO-MAT-01", "equipment",
     "A non-slip mat for yoga, stretching and floor exercises.",
     "35.00", None, 3, "mat", "#d5e8d4"),
]  # fmt: skip

# (name, slug, description): the demo categories, in the shop's order. A product's kind says its category.
CATEGORIES = [
    ("Supplements", "supplements",
     "Vitamins, minerals, electrolytes and protein: placeholder products for the demo shop."),
    ("Recovery equipment", "recovery-equipment",
     "Tools for stretching, self-massage and floor exercises: placeholder products for the demo shop."),
]  # fmt: skip
CATEGORY_OF_KIND = {"supplement": "supplements", "equipment": "recovery-equipment"}
FEATURED = {"DEMO-MAG-01", "DEMO-HYD-01", "DEMO-ROL-01", "DEMO-MAT-01"}  # on the home page

# Supplement Facts by SKU, shown as "Demo values": amounts of the kind such labels print, not any
# real product's. (serving size, servings, [(name, amount, unit, % daily value or None)], other
# ingredients, allergens, warnings)
KEEP_AWAY = "Keep out of reach of children. Do not exceed the stated serving."
FACTS = {
    "DEMO-MAG-01": ("2 capsules", 60, [("Magnesium (as magnesium glycinate)", "200", "mg", "48")],
                    "Hydroxypropyl methylcellulose (vegetable capsule).", "", KEEP_AWAY),
    "DEMO-POT-01": ("1 tablet", 90, [("Potassium (as potassium citrate)", "99", "mg", "2")],
                    "Microcrystalline cellulose, magnesium stearate.", "", KEEP_AWAY),
    "DEMO-IRN-01": ("1 tablet", 60, [("Vitamin C (as ascorbic acid)", "80", "mg", "89"),
                                     ("Iron (as ferrous bisglycinate)", "14", "mg", "78")],
                    "Microcrystalline cellulose, hydroxypropyl methylcellulose.", "",
                    "Accidental overdose of iron-containing products is a leading cause of fatal poisoning in "
                    "children under 6. Keep this product out of reach of children. In case of accidental overdose, "
                    "call a doctor or poison control center immediately."),
    "DEMO-PRO-01": ("1 scoop (30 g)", 30, [("Protein", "24", "g", "48"),
                                           ("Pea and rice protein blend", "30", "g", None)],
                    "", "Made in a facility that also handles soy and milk.", KEEP_AWAY),
    "DEMO-HYD-01": ("1 sachet (5 g)", 20, [("Sodium (as sodium citrate)", "300", "mg", "13"),
                                           ("Potassium (as potassium chloride)", "200", "mg", "4"),
                                           ("Magnesium (as magnesium citrate)", "50", "mg", "12")],
                    "Citric acid, natural lemon flavour.", "", KEEP_AWAY),
}  # fmt: skip


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


def load_categories() -> list[ProductCategory]:
    """Create the demo categories that do not exist yet (by slug) and file in them the demo products that
    have no category (from a demo loaded before there were categories); return the ones created."""
    created = []
    for order, (name, slug, description) in enumerate(CATEGORIES, start=1):
        category, new = ProductCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
        if new:
            created.append(category)
            kinds = [kind for kind, category_slug in CATEGORY_OF_KIND.items() if category_slug == slug]
            demo = [row[2] for row in PRODUCTS]
            for product in Product.objects.filter(sku__in=demo, kind__in=kinds, category=None):
                product.category = category
                product.save(update_fields=["category"])  # save(): shared pages show it at once
    return created


def load_products() -> list[Product]:
    """Create the demo products that do not exist yet (by SKU), in their categories; return the ones created."""
    created = []
    existing = set(Product.objects.values_list("sku", flat=True))
    categories = {category.slug: category for category in ProductCategory.objects.all()}
    for name, slug, sku, kind, short, price, sale, stock, shape, colour in PRODUCTS:
        if sku in existing:
            continue
        product = Product(
            name=name,
            slug=slug,
            sku=sku,
            kind=kind,
            category=categories.get(CATEGORY_OF_KIND.get(kind, "")),
            featured=sku in FEATURED,
            short_description=short,
            description=PLACEHOLDER,
            price=Decimal(price),
            sale_price=Decimal(sale) if sale else None,
            stock=stock,
            image_alt=f"Drawing of {name.lower()}, labelled as a demo image",
        )
        product.image = draw(name, shape, colour, filename=f"{slug}.png")
        product.save()
        if sku in FACTS:
            add_facts(product, *FACTS[sku])
        created.append(product)
    return created


def add_facts(product: Product, serving_size, servings, ingredients, other, allergens, warnings) -> None:
    SupplementFacts.objects.create(
        product=product,
        serving_size=serving_size,
        servings_per_container=servings,
        other_ingredients=other,
        allergens=allergens,
        warnings=warnings,
        demo_values=True,
    )
    Ingredient.objects.bulk_create(
        Ingredient(
            product=product,
            order=order,
            name=name,
            amount=Decimal(amount),
            unit=unit,
            daily_value=Decimal(daily_value) if daily_value else None,
        )
        for order, (name, amount, unit, daily_value) in enumerate(ingredients, start=1)
    )
