import core.images
import core.search
import core.validators
import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cart', '0007_control_characters'),
    ]

    # The models moved from the cart app to the catalogue with their tables (db_table keeps the old names):
    # the database has nothing to do, only Django's picture of it changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Product',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, validators=[core.validators.one_line])),
                        ('slug', models.SlugField(max_length=150, unique=True, validators=[core.validators.one_line])),
                        ('sku', models.CharField(max_length=40, unique=True, validators=[core.validators.one_line], verbose_name='SKU')),
                        ('short_description', models.CharField(max_length=250, validators=[core.validators.one_line])),
                        ('description', models.TextField(blank=True, validators=[core.validators.multi_line])),
                        ('featured', models.BooleanField(default=False, help_text='Feature on the home page (the first four, by name).')),
                        ('kind', models.CharField(choices=[('supplement', 'Supplement'), ('equipment', 'Equipment'), ('other', 'Other')], default='other', help_text='Only supplements carry Supplement Facts and the supplement disclaimer.', max_length=20)),
                        ('price', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))])),
                        ('sale_price', models.DecimalField(blank=True, decimal_places=2, help_text='Leave empty when not on sale.', max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))])),
                        ('stock', models.PositiveIntegerField(default=0)),
                        ('is_active', models.BooleanField(default=True, help_text='Inactive products are hidden from the shop.', verbose_name='active')),
                        ('image', models.ImageField(blank=True, height_field='image_height', upload_to='products/', validators=[core.images.validate_image], width_field='image_width')),
                        ('image_width', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('image_height', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('image_alt', models.CharField(blank=True, max_length=200, validators=[core.validators.one_line], verbose_name='image alt text')),
                        ('renditions', models.JSONField(default=list, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                    ],
                    options={
                        'db_table': 'cart_product',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ProductCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, validators=[core.validators.one_line])),
                        ('slug', models.SlugField(max_length=100, unique=True, validators=[core.validators.one_line])),
                        ('description', models.TextField(blank=True, help_text="A sentence or two: the category's page shows it.", validators=[core.validators.multi_line])),
                        ('order', models.PositiveIntegerField(default=0, help_text="Lower numbers come first in the shop's categories.")),
                    ],
                    options={
                        'verbose_name': 'product category',
                        'verbose_name_plural': 'product categories',
                        'db_table': 'cart_productcategory',
                        'ordering': ['order', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Ingredient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='E.g. “Magnesium (as magnesium glycinate)”.', max_length=150, validators=[core.validators.one_line])),
                        ('amount', models.DecimalField(decimal_places=3, max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('unit', models.CharField(choices=[('g', 'g'), ('mg', 'mg'), ('mcg', 'mcg'), ('mcg DFE', 'mcg DFE'), ('mcg RAE', 'mcg RAE'), ('IU', 'IU')], max_length=10)),
                        ('daily_value', models.DecimalField(blank=True, decimal_places=1, help_text='Leave empty when no daily value is established: the label shows † and a footnote.', max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='% Daily Value')),
                        ('order', models.PositiveIntegerField(default=0)),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ingredients', to='catalogue.product')),
                    ],
                    options={
                        'db_table': 'cart_ingredient',
                        'ordering': ['order', 'pk'],
                    },
                ),
                migrations.AddField(
                    model_name='product',
                    name='category',
                    field=models.ForeignKey(blank=True, help_text='Where the shop files it. Without one, it is listed in the shop but on no category page.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='products', to='catalogue.productcategory'),
                ),
                migrations.CreateModel(
                    name='SupplementFacts',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('serving_size', models.CharField(help_text='As on the label, e.g. “2 capsules”.', max_length=60, validators=[core.validators.one_line])),
                        ('servings_per_container', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)])),
                        ('other_ingredients', models.TextField(blank=True, help_text='E.g. the capsule shell, fillers.', validators=[core.validators.multi_line])),
                        ('allergens', models.TextField(blank=True, validators=[core.validators.multi_line])),
                        ('warnings', models.TextField(blank=True, validators=[core.validators.multi_line])),
                        ('demo_values', models.BooleanField(default=False, help_text='The label says “Demo values, not a real product’s label”. Untick once the values are real.')),
                        ('product', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='facts', to='catalogue.product')),
                    ],
                    options={
                        'verbose_name': 'Supplement Facts',
                        'verbose_name_plural': 'Supplement Facts',
                        'db_table': 'cart_supplementfacts',
                    },
                ),
                migrations.AddIndex(
                    model_name='product',
                    index=core.search.VectorIndex(fields=['search_vector'], name='product_search_vector'),
                ),
                migrations.AddConstraint(
                    model_name='product',
                    constraint=models.CheckConstraint(condition=models.Q(('sale_price__isnull', True), ('sale_price__lt', models.F('price')), _connector='OR'), name='sale_price_below_price', violation_error_message='The sale price must be lower than the price.'),
                ),
    
            ],
        ),
    ]
