"""The knowledge base: China's city clusters and every fact about them, each with a source.

Every model has a natural key so that ``fixtures/*.yaml`` can refer to rows by their stable
codes (``cluster: [jjj]``) instead of database ids, and reloading a fixture updates rows
instead of duplicating them. Every model keeps its change history (django-simple-history),
and any change bumps :class:`DatasetVersion` (see ``clusters/signals.py``).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CodeManager(models.Manager):
    """Rows addressed by a unique ``code`` field (subclasses: ``key``, ``slug``).

    A class attribute rather than an __init__ argument, because Django instantiates manager
    classes without arguments for reverse relations.
    """

    key_field = "code"

    def get_by_natural_key(self, value: str):
        return self.get(**{self.key_field: value})


class KeyManager(CodeManager):
    key_field = "key"


class SlugManager(CodeManager):
    key_field = "slug"


class Names(models.Model):
    """A place, sector or firm named in Korean, English and Chinese."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, Korean first."""
        return self.name_en if (get_language() or "ko").startswith("en") else self.name_ko

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.name_zh})" if self.name_zh else self.name_ko


def localized(obj: object, field: str) -> str:
    """``obj.<field>_en`` when the active language is English (if filled), else ``_ko``."""
    if (get_language() or "ko").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_ko", "")


class Source(models.Model):
    class Kind(models.TextChoices):
        SEED = "seed", _("Seed document")
        REPORT = "report", _("Official report or statistics")
        ARTICLE = "article", _("News article")
        COMPANY = "company", _("Company announcement or filing")
        ANALYST = "analyst", _("Analyst judgement (synthesis of cited facts)")
        TO_VERIFY = "analyst_unverified", _("Analyst judgement — to verify")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.DateField(_("date"), null=True, blank=True)
    title_en = models.CharField(
        _("title (English gloss)"),
        max_length=300,
        blank=True,
        help_text=_("An English rendering of a title that exists only in Korean or Chinese."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # Internal: a seed file name or a library call number. Shown to staff only; readers see
    # the title, publisher, date and URL.
    reference = models.CharField(
        _("internal reference"),
        max_length=500,
        blank=True,
        help_text=_("Seed file name or other internal citation; never shown to clients"),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    def __str__(self) -> str:
        date = f", {self.published:%Y-%m-%d}" if self.published else ""
        return f"{self.title} ({self.publisher}{date})" if self.publisher else f"{self.title}{date}"


class Factor(Names):
    """What a company may need from a location; every cluster is scored 0–100 on each."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description_ko = models.TextField(_("description (Korean)"))
    description_en = models.TextField(_("description (English)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = CodeManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Sector(Names):
    class Group(models.TextChoices):
        DIGITAL = "digital", _("Digital and software")
        ELECTRONICS = "electronics", _("Electronics and semiconductors")
        LIFE = "life", _("Life sciences and health")
        ENERGY = "energy", _("Energy and climate")
        MOBILITY = "mobility", _("Mobility, aerospace and robotics")
        INDUSTRY = "industry", _("Industry, materials and agriculture")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    description_ko = models.TextField(_("description (Korean)"))
    description_en = models.TextField(_("description (English)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = CodeManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Cluster(Names):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    role_ko = models.TextField(_("role in the network (Korean)"))
    role_en = models.TextField(_("role in the network (English)"))
    summary_ko = models.TextField(_("summary (Korean)"))
    summary_en = models.TextField(_("summary (English)"))
    provinces_ko = models.CharField(_("member provinces (Korean)"), max_length=300)
    provinces_en = models.CharField(_("member provinces (English)"), max_length=300)
    provinces_zh = models.CharField(_("member provinces (Chinese)"), max_length=300, blank=True)
    # Position on the landing page's schematic map of China, in percent of its width/height.
    map_x = models.FloatField(_("map x (%)"), default=50)
    map_y = models.FloatField(_("map y (%)"), default=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = CodeManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ClusterChallenge(models.Model):
    """A known structural weakness, shown as a caveat when the related factor matters."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("cluster")
    )
    factor = models.ForeignKey(
        Factor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("related factor"),
        help_text=_("Leave empty when the issue matters to every company."),
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        verbose_name=_("sectors concerned"),
        help_text=_("Leave empty when the issue concerns every sector."),
    )
    text_ko = models.TextField(_("text (Korean)"))
    text_en = models.TextField(_("text (English)"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords(m2m_fields=[sectors])

    objects = KeyManager()

    class Meta:
        ordering = ["cluster__order", "key"]
        verbose_name = _("structural challenge")
        verbose_name_plural = _("structural challenges")

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    def __str__(self) -> str:
        return f"{self.cluster.name} · {localized(self, 'text')[:60]}"


class City(Names):
    slug = models.SlugField(_("slug (pinyin)"), max_length=40, unique=True)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cities",
        verbose_name=_("cluster"),
        help_text=_("Empty for a city outside the nine clusters."),
    )
    province_ko = models.CharField(_("province (Korean)"), max_length=60)
    province_en = models.CharField(_("province (English)"), max_length=60)
    province_zh = models.CharField(_("province (Chinese)"), max_length=60, blank=True)
    is_core = models.BooleanField(_("core city of its cluster"), default=False)
    history = HistoricalRecords()

    objects = SlugManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Zone(Names):
    class Kind(models.TextChoices):
        HIGH_TECH = "high_tech", _("High-tech industrial development zone")
        ECONOMIC = "economic", _("Economic and technological development zone")
        SCIENCE_PARK = "science_park", _("Science park")
        NEW_AREA = "new_area", _("State-level new area")
        BASE = "base", _("Specialised industrial base")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="zones")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_ko = models.TextField(_("description (Korean)"))
    description_en = models.TextField(_("description (English)"))
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("focus sectors"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords(m2m_fields=[sectors])

    objects = KeyManager()

    class Meta:
        ordering = ["city__slug", "key"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class PairManager(models.Manager):
    """Rows addressed by (cluster code, factor/sector code).

    The second field is a class attribute, not an __init__ argument: Django builds the
    reverse-relation managers (``cluster.factor_scores``) by calling the class with no
    arguments.
    """

    other = "factor"

    def get_by_natural_key(self, cluster: str, other: str):
        return self.get(cluster__code=cluster, **{f"{self.other}__code": other})


class FactorScoreManager(PairManager):
    other = "factor"


class SectorStrengthManager(PairManager):
    other = "sector"


class ClusterFactorScore(models.Model):
    """A cluster's level on one factor, on a fixed absolute 0–100 scale (docs/DATA.md)."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="factor_scores", verbose_name=_("cluster")
    )
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, verbose_name=_("factor"))
    score = models.PositiveSmallIntegerField(
        _("score (0–100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    rationale_ko = models.TextField(_("rationale (Korean)"))
    rationale_en = models.TextField(_("rationale (English)"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    objects = FactorScoreManager()

    class Meta:
        ordering = ["cluster__order", "factor__order"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "factor"], name="unique_cluster_factor"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="factor_score_0_100"
            ),
        ]
        verbose_name = _("factor score")
        verbose_name_plural = _("factor scores")

    def natural_key(self) -> tuple[str, str]:
        return (self.cluster.code, self.factor.code)

    natural_key.dependencies = ["clusters.cluster", "clusters.factor"]

    def __str__(self) -> str:
        # "웨강아오 대만구 · 비용 경쟁력: 55": what the admin's titles and history show.
        return f"{self.cluster.name} · {self.factor.name}: {self.score}"


class ClusterSectorStrength(models.Model):
    """How strong a cluster is in a sector, 0 (absent) to 5 (national leader)."""

    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="sector_strengths",
        verbose_name=_("cluster"),
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    strength = models.PositiveSmallIntegerField(
        _("strength (0–5)"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    rationale_ko = models.TextField(_("rationale (Korean)"))
    rationale_en = models.TextField(_("rationale (English)"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    objects = SectorStrengthManager()

    class Meta:
        ordering = ["cluster__order", "sector__order"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "sector"], name="unique_cluster_sector"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=0, strength__lte=5), name="sector_strength_0_5"
            ),
        ]
        verbose_name = _("sector strength")
        verbose_name_plural = _("sector strengths")

    def natural_key(self) -> tuple[str, str]:
        return (self.cluster.code, self.sector.code)

    natural_key.dependencies = ["clusters.cluster", "clusters.sector"]

    def __str__(self) -> str:
        return f"{self.cluster.name} · {self.sector.name}: {self.strength}"


class SectorFactorManager(models.Manager):
    def get_by_natural_key(self, cluster: str, sector: str, factor: str):
        return self.get(cluster__code=cluster, sector__code=sector, factor__code=factor)


class ClusterSectorFactor(models.Model):
    """A cluster's level on one factor *for one sector*, 0–100 on the factor's scale.

    Where the knowledge base holds one, the engine judges that factor for a company of that
    sector by it instead of the cluster's general score: a hydrogen electrolyser maker needs
    the hydrogen supply chain, not the cluster's whole manufacturing output.
    """

    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="sector_factors",
        verbose_name=_("cluster"),
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, verbose_name=_("factor"))
    score = models.PositiveSmallIntegerField(
        _("score (0–100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    rationale_ko = models.TextField(_("rationale (Korean)"))
    rationale_en = models.TextField(_("rationale (English)"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    objects = SectorFactorManager()

    class Meta:
        ordering = ["cluster__order", "sector__order", "factor__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "sector", "factor"], name="unique_cluster_sector_factor"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="sector_factor_0_100"
            ),
        ]
        verbose_name = _("sector-specific factor score")
        verbose_name_plural = _("sector-specific factor scores")

    def natural_key(self) -> tuple[str, str, str]:
        return (self.cluster.code, self.sector.code, self.factor.code)

    natural_key.dependencies = ["clusters.cluster", "clusters.sector", "clusters.factor"]

    def __str__(self) -> str:
        return f"{self.cluster.name} · {self.sector.name} · {self.factor.name}: {self.score}"


class CitySpecialty(models.Model):
    """What a city is known for in a sector; company keywords are matched against these."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="specialties")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    keywords_ko = models.TextField(_("keywords (Korean)"), help_text=_("Comma-separated"))
    keywords_en = models.TextField(_("keywords (English)"), help_text=_("Comma-separated"))
    keywords_zh = models.TextField(_("keywords (Chinese)"), blank=True)
    rationale_ko = models.TextField(_("rationale (Korean)"))
    rationale_en = models.TextField(_("rationale (English)"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        ordering = ["city__slug", "key"]
        verbose_name = _("city specialty")
        verbose_name_plural = _("city specialties")

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    def __str__(self) -> str:
        return f"{self.city.name}: {localized(self, 'title')}"

    def keyword_list(self) -> list[str]:
        raw = ",".join([self.keywords_ko, self.keywords_en, self.keywords_zh])
        return [k.strip() for k in raw.split(",") if k.strip()]


class GlossaryEntry(models.Model):
    """One concept and its synonyms across languages (음성인식 = speech recognition = 语音识别)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    terms_ko = models.TextField(_("terms (Korean)"), help_text=_("Comma-separated"))
    terms_en = models.TextField(_("terms (English)"), help_text=_("Comma-separated"))
    terms_zh = models.TextField(_("terms (Chinese)"), blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("sector")
    )
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    def __str__(self) -> str:
        return f"{self.terms_ko} = {self.terms_en}"

    def term_list(self) -> list[str]:
        raw = ",".join([self.terms_ko, self.terms_en, self.terms_zh])
        return [t.strip() for t in raw.split(",") if t.strip()]


class KoreaLink(Names):
    """One piece of the Korean network in a city: a KOTRA office, a China–Korea industrial
    park, a direct flight to Korea, a Korean business association or a Korean firm there."""

    class Kind(models.TextChoices):
        KOTRA = "kotra", _("KOTRA trade office")
        PARK = "park", _("China–Korea industrial park")
        FLIGHT = "flight", _("Direct flights to Korea")
        ASSOCIATION = "association", _("Korean chamber or business association")
        FIRM = "firm", _("Korean firm already there")
        CONSULATE = "consulate", _("Korean consulate")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="korea_links", verbose_name=_("city")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        verbose_name=_("sectors concerned"),
        help_text=_("Leave empty when it serves every sector (an office, a flight)."),
    )
    detail_ko = models.TextField(_("detail (Korean)"), blank=True)
    detail_en = models.TextField(_("detail (English)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords(m2m_fields=[sectors])

    objects = KeyManager()

    class Meta:
        ordering = ["city__slug", "kind", "key"]
        verbose_name = _("Korean network link")
        verbose_name_plural = _("Korean network")

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class PlanCluster(Names):
    """A national city cluster of the 14th Five-Year Plan (19 in all) and the cluster of this
    knowledge base that covers it."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        related_name="plan_clusters",
        verbose_name=_("covered by"),
    )
    note_ko = models.TextField(_("note (Korean)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        ordering = ["cluster__order", "key"]
        verbose_name = _("national city cluster (14th Five-Year Plan)")
        verbose_name_plural = _("national city clusters (14th Five-Year Plan)")

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class FirmRanking(Names):
    """One of the 26 innovation rankings of listed firms (an industry list)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("related sectors"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords(m2m_fields=[sectors])

    objects = KeyManager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("firm ranking")
        verbose_name_plural = _("firm rankings")

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class FirmManager(models.Manager):
    def get_by_natural_key(self, ranking: str, rank: int):
        return self.get(ranking__key=ranking, rank=rank)


class Firm(Names):
    ranking = models.ForeignKey(
        FirmRanking, on_delete=models.CASCADE, related_name="firms", verbose_name=_("ranking")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="firms",
        verbose_name=_("city (where known)"),
    )
    history = HistoricalRecords()

    objects = FirmManager()

    class Meta:
        ordering = ["ranking__key", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "rank"], name="unique_ranking_rank")
        ]
        verbose_name = _("firm")
        verbose_name_plural = _("firms")

    def natural_key(self) -> tuple[str, int]:
        return (self.ranking.key, self.rank)

    natural_key.dependencies = ["clusters.firmranking"]


class Event(Names):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("city"),
    )
    location_ko = models.CharField(_("location (Korean)"), max_length=100)
    location_en = models.CharField(_("location (English)"), max_length=100)
    field_ko = models.CharField(_("field (Korean)"), max_length=100)
    field_en = models.CharField(_("field (English)"), max_length=100)
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="events",
        verbose_name=_("sectors concerned"),
        help_text=_("Leave empty for an event that concerns every sector."),
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords(m2m_fields=[sectors])

    objects = KeyManager()

    class Meta:
        ordering = ["starts", "key"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class CityMetric(models.Model):
    class Metric(models.TextChoices):
        GDP = "gdp", _("GDP")
        GDP_PREVIOUS = "gdp_previous", _("GDP, same period a year earlier")
        GDP_NOMINAL_INCREASE = "gdp_nominal_increase", _("GDP nominal increase")
        GDP_NOMINAL_GROWTH = "gdp_nominal_growth", _("GDP nominal growth")
        GDP_REAL_GROWTH = "gdp_real_growth", _("GDP real growth")
        GDP_RANK = "gdp_rank", _("GDP rank among Chinese cities")
        GDP_FULL_YEAR = "gdp_full_year", _("GDP, full year")
        TRADE = "trade", _("Imports and exports")
        TRADE_GROWTH = "trade_growth", _("Trade growth")
        TRADE_RANK = "trade_rank", _("Trade rank among Chinese cities")
        EXPORTS = "exports", _("Exports")
        EXPORTS_GROWTH = "exports_growth", _("Export growth")
        INDUSTRIAL_GROWTH = "industrial_growth", _(
            "Industrial output growth (above designated size)"
        )

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2024Q1-Q3, 2023"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. CNY 100m, %, rank"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["city__slug", "metric", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "metric", "period"], name="unique_city_metric_period"
            )
        ]
        verbose_name = _("city metric")
        verbose_name_plural = _("city metrics")

    class Manager(models.Manager):
        def get_by_natural_key(self, city: str, metric: str, period: str):
            return self.get(city__slug=city, metric=metric, period=period)

    objects = Manager()

    def natural_key(self) -> tuple[str, str, str]:
        return (self.city.slug, self.metric, self.period)

    natural_key.dependencies = ["clusters.city"]

    def __str__(self) -> str:
        return (
            f"{self.city.name} · {self.get_metric_display()} ({self.period}): "
            f"{self.value} {self.unit}"
        )


class DatasetVersion(models.Model):
    """One row: a counter bumped by every change to the knowledge base.

    The snapshot cache compares this counter (one cheap query) to decide whether to rebuild,
    which keeps several app processes consistent without process-to-process messages.
    """

    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset version")

    def __str__(self) -> str:
        return f"r{self.revision}"
